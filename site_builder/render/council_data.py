"""Each council's own download: /authorities/<slug>/data.json and data.csv, cut from the same
rows and scorecards as the files under /data/, so the two always agree."""

from __future__ import annotations

from typing import Any

from site_builder import urls
from site_builder.link import Site
from site_builder.render.data import to_csv, to_json
from site_builder.render.figures import figure_anchor
from site_builder.render.scorecard_columns import count_titles

# The collections a council's download holds, and how a row of each names its council.
COUNCIL_COLLECTIONS = ("authorities", "bodies", "cases", "inspections")
# data.csv: a row per record, then a row per scorecard figure. A column a row has no value
# for stays empty: `kind` is the record's own kind (of council, board or judgement).
COUNCIL_CSV_COLUMNS = [
    "collection", "slug", "title", "kind", "date", "published", "harm", "judged_by", "grade",
    "grade_at_least", "count", "grades", "value", "at_least", "last_reviewed", "sources",
    "page_url",
]  # fmt: skip


def render_council_data(
    site: Site,
    rows: dict[str, list[dict[str, Any]]],
    cards: dict[str, dict[str, Any]],
) -> dict[str, bytes]:
    """data.json and data.csv of every council not withdrawn, keyed by output path, from the
    open data's rows of each collection and scorecards.json's values."""
    by_council = council_rows(rows)
    labels = dict(count_titles())
    files = {}
    for slug, card in cards.items():
        own = by_council.get(slug, {})
        document = council_document(site, slug, own, card)
        files[urls.authority_data_path(slug, "json")] = to_json(document)
        table = [*_record_lines(own), *_figure_lines(card, labels)]
        files[urls.authority_data_path(slug, "csv")] = to_csv(table, COUNCIL_CSV_COLUMNS)
    return files


def council_rows(
    rows: dict[str, list[dict[str, Any]]],
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The rows of each council, by collection: its own, its boards', cases', judgements'."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for collection in COUNCIL_COLLECTIONS:
        for row in rows[collection]:
            for slug in _councils_of(collection, row):
                found.setdefault(slug, {}).setdefault(collection, []).append(row)
    return found


def _councils_of(collection: str, row: dict[str, Any]) -> list[str]:
    if collection == "authorities":
        return [row["slug"]]
    if collection == "bodies":
        return list(dict.fromkeys(row.get("authorities", [])))
    return [row["authority"]]


def council_document(
    site: Site, slug: str, own: dict[str, list[dict[str, Any]]], card: dict[str, Any]
) -> dict[str, Any]:
    """A council's data.json: what it is, under which licence, its records and scorecard."""
    base = site.settings.base_url
    return {
        "authority": slug,
        "name": card["name"],
        "page_url": card["url"],
        "site": base,
        "licence": site.settings.licence,
        "data": urls.absolute_url(base, urls.PAGE_PATHS["data"]),
        "records": {collection: own.get(collection, []) for collection in COUNCIL_COLLECTIONS},
        "scorecard": card,
    }


def _record_lines(own: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    lines = []
    for collection in COUNCIL_COLLECTIONS:
        for row in own.get(collection, []):
            line = {key: row.get(key) for key in COUNCIL_CSV_COLUMNS}
            line.update(collection=collection, title=row.get("title") or row.get("name"))
            lines.append(line)
    return lines


def _figure_lines(card: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """A row per scorecard figure: its key as slug, its words as title, exact value or lower
    bound, and the address of the list of records it counts on the council's page."""
    return [
        {
            "collection": "scorecard",
            "slug": key,
            "title": labels[key],
            "value": figure["value"],
            "at_least": figure["at_least"],
            "page_url": f"{card['url']}#{figure_anchor(key)}",
        }
        for key, figure in card["figures"].items()
    ]
