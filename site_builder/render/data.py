"""Open data: JSON and CSV of every collection and of the scorecards, from the model."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from enum import Enum
from typing import Any

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.schema import load_schemas
from site_builder.score import Scorecard

DATA_COLLECTIONS = ("authorities", "bodies", "cases", "inspections", "sources")
_RENAMED = {"start": "from", "end": "to", "is_independent": "independent", "sender": "from"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def collection_rows(site: Site, collection: str) -> list[dict[str, Any]]:
    """Each listed record of a collection as plain data, fields in schema order."""
    properties = [p for p in load_schemas()[collection]["properties"] if p != "private"]
    rows = []
    for record in site.listed(collection):
        row: dict[str, Any] = {
            "slug": record.slug,
            "url": urls.absolute_url(site.settings.base_url, urls.record_path(record)),
        }
        for name in properties:
            value = plain(_field_value(record, name))
            if value not in (None, [], {}):
                row[name] = value
        if record.body.strip():
            row["body_markdown"] = record.body.strip() + "\n"
        rows.append(row)
    return rows


def _field_value(record: m.Record, name: str) -> Any:
    if name == "grades" and isinstance(record, m.Inspection):
        return {grade.value: n for grade, n in record.grades} if record.grades else None
    if name == "count" and isinstance(record, m.Inspection):
        return record.count if record.grades else None
    if name == "status":
        return record.status.value
    return getattr(record, name, None)


def plain(value: Any) -> Any:
    """A model value as JSON-ready data: dates as written, enums as their words."""
    if isinstance(value, m.PartialDate):
        return value.iso
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _RENAMED.get(f.name, f.name): plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    return value


def to_json(rows: Any) -> bytes:
    """Stable, readable JSON: sorted keys only where order carries no meaning."""
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """CSV with a header row; lists and mappings as JSON text; formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue().encode("utf-8")


def csv_cell(value: Any) -> str:
    """One cell's text; a cell a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_columns(collection: str) -> list[str]:
    """The stable column order of a collection's CSV: slug, url, schema fields, body."""
    properties = [p for p in load_schemas()[collection]["properties"] if p != "private"]
    return ["slug", "url", *properties, "body_markdown"]


def scorecard_rows(site: Site, scorecards: dict[str, Scorecard]) -> dict[str, dict[str, Any]]:
    """/data/scorecards.json: an object keyed by authority slug."""

    def url_of(record: m.Record) -> str:
        return urls.absolute_url(site.settings.base_url, urls.record_path(record))

    return {
        slug: card.as_data(url_of)
        for slug, card in scorecards.items()
        if not site.authorities[slug].is_withdrawn
    }


SCORECARD_COLUMNS = [
    "authority", "name", "kind", "inspections_total", "latest_inspection_grade",
    "latest_inspection_date", "direction", "scr_evaluations_total", "scr_evaluations_inadequate",
    "cases_died", "cases_seriously_harmed", "reviews_total", "reviews_pending",
    "reviews_rerun_ordered", "median_days_commissioned_to_published", "interventions", "peers",
]  # fmt: skip


def scorecard_csv_rows(site: Site, data: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per authority for /data/scorecards.csv."""
    rows = []
    for slug, card in data.items():
        authority = site.authorities[slug]
        latest = card["latest_inspection"] or {}
        rows.append({
            "authority": slug, "name": authority.name, "kind": authority.kind,
            "inspections_total": sum(card["inspections_by_grade"].values()),
            "latest_inspection_grade": latest.get("grade"),
            "latest_inspection_date": latest.get("date"),
            "direction": card["direction"],
            "scr_evaluations_total": card["scr_evaluations"]["total"],
            "scr_evaluations_inadequate": card["scr_evaluations"]["inadequate"],
            "cases_died": card["cases_by_harm"]["died"],
            "cases_seriously_harmed": card["cases_by_harm"]["seriously_harmed"],
            "reviews_total": card["reviews"]["total"],
            "reviews_pending": card["reviews"]["pending"],
            "reviews_rerun_ordered": card["reviews"]["rerun_ordered"],
            "median_days_commissioned_to_published":
                card["reviews"]["median_days_commissioned_to_published"],
            "interventions": len(card["interventions"]),
            "peers": " ".join(card["peers"]),
        })  # fmt: skip
    return rows
