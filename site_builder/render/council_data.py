"""Each council's own download: /authorities/<slug>/data.json and data.csv, cut from the same
rows and scorecards as the files under /data/, so the two always agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from site_builder import urls
from site_builder.link import Site
from site_builder.render.data import JsonItems, JsonText, csv_header, csv_line, to_json
from site_builder.render.figures import figure_anchor
from site_builder.render.scorecard_columns import count_titles

if TYPE_CHECKING:
    from site_builder.render.data_rows import RowFragment

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
    rows: dict[str, list[RowFragment]],
    cards: dict[str, dict[str, Any]],
    card_texts: dict[str, JsonText],
) -> Iterator[tuple[str, bytes]]:
    """data.json and data.csv of every council not withdrawn, as (output path, content), one
    at a time, joined from the open data's fragments of each collection and the cards."""
    by_council = council_rows(rows)
    labels = dict(count_titles())
    header = csv_header(COUNCIL_CSV_COLUMNS)
    for slug, card in cards.items():
        own = by_council.get(slug, {})
        document = council_document(site, slug, own, card, card_texts[slug])
        yield urls.authority_data_path(slug, "json"), to_json(document)
        lines = [
            f.council_csv for collection in COUNCIL_COLLECTIONS for f in own.get(collection, [])
        ]
        figures = [csv_line(line, COUNCIL_CSV_COLUMNS) for line in _figure_lines(card, labels)]
        yield urls.authority_data_path(slug, "csv"), header + b"".join(lines + figures)


def council_rows(rows: dict[str, list[RowFragment]]) -> dict[str, dict[str, list[RowFragment]]]:
    """The rows of each council, by collection: its own, its boards', cases', judgements'."""
    found: dict[str, dict[str, list[RowFragment]]] = {}
    for collection in COUNCIL_COLLECTIONS:
        for row in rows[collection]:
            for slug in row.councils:
                found.setdefault(slug, {}).setdefault(collection, []).append(row)
    return found


def councils_of(collection: str, row: dict[str, Any]) -> list[str]:
    """The councils whose own download holds a row of this collection."""
    if collection == "authorities":
        return [row["slug"]]
    if collection == "bodies":
        return list(dict.fromkeys(row.get("authorities", [])))
    return [row["authority"]]


def council_document(
    site: Site,
    slug: str,
    own: dict[str, list[RowFragment]],
    card: dict[str, Any],
    card_text: JsonText,
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
        "records": {
            collection: JsonItems([row.json for row in own.get(collection, [])])
            for collection in COUNCIL_COLLECTIONS
        },
        "scorecard": card_text,
    }


def record_line(collection: str, row: dict[str, Any]) -> bytes:
    """A record's line in a council's data.csv."""
    line = {key: row.get(key) for key in COUNCIL_CSV_COLUMNS}
    line.update(collection=collection, title=row.get("title") or row.get("name"))
    return csv_line(line, COUNCIL_CSV_COLUMNS)


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
