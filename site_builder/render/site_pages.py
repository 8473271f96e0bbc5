"""Contexts of the site-wide pages: home, timeline, compare, corrections, data, dictionary."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render.pages import KindGroup, PageContext
from site_builder.render.standing import Coverage
from site_builder.render.timeline import TimelineEvent
from site_builder.schema import deref, load_schemas
from site_builder.vocabulary import COLLECTIONS, ChangeKind

LATEST_CHANGES = 10


@dataclass(frozen=True)
class Change:
    """A dated change to the record, for the home page, the corrections log and feeds."""

    date: m.PartialDate
    kind: ChangeKind
    record: m.Record
    text: str
    key: str = (
        ""  # where a correction's text is kept as HTML: 'cases/x/index.html#corrections.0.text'
    )

    @property
    def is_correction(self) -> bool:
        return self.kind is ChangeKind.CORRECTED


@dataclass(frozen=True)
class HomePage(PageContext):
    groups: tuple[KindGroup, ...]
    changes: tuple[Change, ...]
    about_html: str

    @property
    def about_intro(self) -> str:
        """The about page's opening, before its first heading: shown above the councils."""
        return split_at_first_section(self.about_html)[0]

    @property
    def about_rest(self) -> str:
        """The about page's sections, shown below the councils."""
        return split_at_first_section(self.about_html)[1]


_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)")
_VOID = {"br", "hr", "img", "wbr"}


def split_at_first_section(body_html: str) -> tuple[str, str]:
    """Sanitised HTML cut before its first top-level <h2>, each part whole: a heading inside
    a quote or a list is not a section, and cutting there left both parts unbalanced."""
    depth = 0
    for tag in _TAG.finditer(body_html):
        is_closing, name = tag.group(1) == "/", tag.group(2)
        if name in _VOID:
            continue
        if is_closing:
            depth -= 1
        elif depth == 0 and name == "h2":
            return body_html[: tag.start()], body_html[tag.start() :]
        else:
            depth += 1
    return body_html, ""


@dataclass(frozen=True)
class TimelinePage(PageContext):
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class ComparePage(PageContext):
    groups: tuple[KindGroup, ...]


@dataclass(frozen=True)
class TextPage(PageContext):
    """A site page whose words come from a page record (methodology) plus fixed copy."""

    body_html: str
    source_page: m.Record | None
    coverage: tuple[Coverage, ...] = ()  # the methodology's list of records without a primary
    prose: dict[str, str] = field(default_factory=dict)  # the page record's Markdown fields
    report_url: str = ""


@dataclass(frozen=True)
class CorrectionsPage(PageContext):
    corrections: tuple[Change, ...]
    withdrawn: tuple[m.Record, ...]
    texts: dict[str, str] = field(default_factory=dict)  # each correction's text as HTML
    contact: str = ""  # the report link of the site, nothing filled in


@dataclass(frozen=True)
class DataFile:
    output_path: str
    title: str
    records: int
    size: int
    media_type: str

    @property
    def name(self) -> str:
        """The file's own name: authorities.csv."""
        return self.output_path.rsplit("/", 1)[-1]

    @property
    def collection(self) -> str:
        """What the file holds: a collection's name, or scorecards."""
        return self.name.rsplit(".", 1)[0]

    @property
    def format(self) -> str:
        return "JSON" if self.media_type == "application/json" else "CSV"


@dataclass(frozen=True)
class DataPage(PageContext):
    files: tuple[DataFile, ...]
    licence: str | None


@dataclass(frozen=True)
class FieldDoc:
    name: str
    title: str
    description: str
    kind: str
    is_required: bool
    examples: str


@dataclass(frozen=True)
class CollectionDoc:
    name: str
    title: str
    fields: tuple[FieldDoc, ...]


@dataclass(frozen=True)
class DictionaryPage(PageContext):
    collections: tuple[CollectionDoc, ...]


def record_changes(site: Site) -> list[Change]:
    """Every dated change the content states, newest first: additions and corrections."""
    changes: list[Change] = []
    for record in site.records:
        if record.is_withdrawn:
            continue
        added = _added_date(record)
        if added:
            changes.append(Change(added, ChangeKind.ADDED, record, record.label))
        for n, correction in enumerate(record.corrections):
            key = urls.text_key(record, f"corrections.{n}.text")
            changes.append(
                Change(correction.date, ChangeKind.CORRECTED, record, correction.text, key)
            )
    return sorted(changes, key=_newest_first)


def _newest_first(change: Change) -> tuple[int, int, int, int, int, str]:
    """Newest change first; on one date, corrections, then judgements and cases before
    sources, each newest by its own date, so the list leads with what readers look for."""
    own = getattr(change.record, "date", None) or getattr(change.record, "published", None)
    own_ordinal = own.latest().toordinal() if isinstance(own, m.PartialDate) else 0
    return (
        -change.date.latest().toordinal(),
        -change.date.earliest().toordinal(),
        0 if change.is_correction else 1,
        COLLECTIONS[change.record.collection].change_order,
        -own_ordinal,
        change.record.slug,
    )


def _added_date(record: m.Record) -> m.PartialDate | None:
    """When a record entered the record: the date an editor last reviewed it, else its own date."""
    if record.last_reviewed:
        return record.last_reviewed
    own = getattr(record, "date", None) or getattr(record, "published", None)
    return own if isinstance(own, m.PartialDate) else None


def dictionary_docs() -> tuple[CollectionDoc, ...]:
    """Each collection's fields from its schema, required ones first."""
    docs = []
    for name, schema in load_schemas().items():
        required = set(schema.get("required", []))
        fields = tuple(
            doc
            for key, node in sorted(
                schema["properties"].items(), key=lambda item: (item[0] not in required, item[0])
            )
            for doc in _field_docs(schema, key, node, key in required)
        )
        path = "content/site.yaml" if name == "site" else f"content/{name}/"
        docs.append(CollectionDoc(name, f"{schema['title']} ({path})", fields))
    return tuple(docs)


def _field_docs(
    schema: dict[str, Any], key: str, node: dict[str, Any], required: bool
) -> list[FieldDoc]:
    """A field and, for a list of entries, each field of an entry, named like `reviews[].kind`."""
    item = deref(schema, deref(schema, node).get("items", {}))
    in_entry = set(item.get("required", []))
    return [_field_doc(schema, key, node, required)] + [
        replace(_field_doc(schema, sub, sub_node, sub in in_entry), name=f"{key}[].{sub}")
        for sub, sub_node in item.get("properties", {}).items()
    ]


def _field_doc(schema: dict[str, Any], key: str, node: dict[str, Any], required: bool) -> FieldDoc:
    node = deref(schema, node)
    examples = node.get("examples", [])
    return FieldDoc(
        name=key,
        title=node.get("title", key),
        description=node.get("description", ""),
        kind=_kind_of(schema, node),
        is_required=required,
        examples=", ".join(_show(e) for e in examples[:2]),
    )


def _kind_of(schema: dict[str, Any], node: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of: " + ", ".join(node["enum"])
    if "x-ref" in node:
        return f"slug of a record in {node['x-ref']}/"
    kind = node.get("type", "")
    if node.get("format") == "partial-date":
        return "date (YYYY-MM-DD, YYYY-MM or YYYY)"
    if node.get("format") == "date":
        return "full date (YYYY-MM-DD)"
    if node.get("format") == "web-url":
        return "web address"
    if kind == "array":
        item = deref(schema, node.get("items", {}))
        return "list of " + (_kind_of(schema, item) if item.get("type") != "object" else "entries")
    if isinstance(kind, list):
        return " or ".join(kind)
    return {"string": "text", "object": "mapping", "integer": "whole number"}.get(kind, str(kind))


def _show(example: Any) -> str:
    return example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
