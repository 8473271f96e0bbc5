"""Jinja's compiled templates, kept between builds under the build cache."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import jinja2

from site_builder.incremental.stores import replace_file


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiling the templates took half of a small site's rebuild. Jinja checks each
    compiled template against its source; a checksum of our own makes a damaged file a
    miss (compiled again), never code that runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            raw = (self.folder / bucket.key).read_bytes()
        except OSError:
            return
        payload = raw[32:]
        if hashlib.sha256(payload).digest() != raw[:32]:
            return
        try:
            bucket.bytecode_from_string(payload)
        except (ValueError, EOFError, TypeError, pickle.UnpicklingError):  # a Jinja or Python
            bucket.reset()  # that wrote it in another way

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        replace_file(self.folder / bucket.key, hashlib.sha256(payload).digest(), payload)
