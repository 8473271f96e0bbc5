"""The read stage's work for one file: its bytes loaded and validated into a typed record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder import models as m
from site_builder.errors import ContentError
from site_builder.load import read_record
from site_builder.validate import validate_records


@dataclass(frozen=True)
class RecordFile:
    """What one content file gave: its record, or the problems that kept it from being one."""

    record: m.Record | m.SiteSettings | None
    errors: tuple[ContentError, ...] = ()


def read_and_validate(content_dir: Path, path: Path, content: bytes) -> RecordFile:
    """The typed record of a file whose bytes are `content`, or every problem with it."""
    raw = read_record(path, content_dir, content)
    if isinstance(raw, ContentError):
        return RecordFile(None, (raw,))
    records, errors = validate_records([raw])
    return RecordFile(records[0], ()) if records else RecordFile(None, tuple(errors))
