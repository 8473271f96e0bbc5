"""What a record rests on, and how a reader can challenge it.

Each record page says whether its sources include the primary documents (an inspection
report, a review, a judgment) or only reporting about them; the methodology page lists the
records that rest on reporting alone. Every record page links to the site's contact with
its own title and address filled in.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.vocabulary import COLLECTIONS, SourceKind

# Source kinds that are the documents themselves, not someone's account of them.
PRIMARY_KINDS = frozenset(
    {SourceKind.INSPECTION_REPORT, SourceKind.REVIEW_REPORT, SourceKind.COURT_JUDGMENT,
     SourceKind.OFFICIAL_REPORT, SourceKind.STATISTICS, SourceKind.DATASET}
)  # fmt: skip
STATEMENT_KINDS = frozenset({SourceKind.STATEMENT})  # what a party to the events said itself
# The records whose pages say what they rest on, and that the coverage list counts.
JUDGED_COLLECTIONS = ("inspections", "cases")


@dataclass(frozen=True)
class Standing:
    """A record's sources sorted by how close they are to the events."""

    primary: tuple[m.Source, ...]
    statements: tuple[m.Source, ...]
    reporting: tuple[m.Source, ...]

    @property
    def has_primary(self) -> bool:
        return bool(self.primary)

    @property
    def rests_on_one_report(self) -> bool:
        """Whether a single news report is all there is."""
        return not self.primary and not self.statements and len(self.reporting) == 1


def source_standing(record: m.Record, site: Site) -> Standing:
    """Sort the record's sources into primary documents, statements and reporting."""
    sources = [site.collections["sources"][slug] for slug in record.sources
               if slug in site.collections["sources"]]  # fmt: skip
    listed = [s for s in sources if isinstance(s, m.Source)]
    return Standing(
        primary=tuple(s for s in listed if s.kind in PRIMARY_KINDS),
        statements=tuple(s for s in listed if s.kind in STATEMENT_KINDS),
        reporting=tuple(s for s in listed if s.kind not in PRIMARY_KINDS | STATEMENT_KINDS),
    )


@dataclass(frozen=True)
class Coverage:
    """The records of one collection that rest on reporting and statements alone."""

    collection: str
    heading: str
    secondary: tuple[tuple[m.Record, Standing], ...]
    total: int


def coverage(site: Site) -> tuple[Coverage, ...]:
    """For the methodology page: per collection, the records without a primary document."""
    result = []
    for collection in JUDGED_COLLECTIONS:
        listed = site.listed(collection)
        standings = [(record, source_standing(record, site)) for record in listed]
        secondary = tuple((r, s) for r, s in standings if not s.has_primary)
        result.append(Coverage(collection, COLLECTIONS[collection].title, secondary, len(listed)))
    return tuple(result)


def report_url(record: m.Record | None, settings: m.SiteSettings, output_path: str) -> str:
    """The contact link with the page's title and address filled in: a mailto: subject and
    body for an email address, or the form's address with `page` and `title` in its query."""
    title = record.label if record else ""
    address = urls.absolute_url(settings.base_url, output_path)
    if not settings.contact:
        return ""
    if settings.contact_is_email:
        subject = f"{settings.title}: {title}" if title else settings.title
        body = (f"Page: {title}\nAddress: {address}\n\nWhat is wrong, or what you would like "
                "to reply (and how we can reach you):\n")  # fmt: skip
        query = urllib.parse.urlencode({"subject": subject, "body": body},
                                       quote_via=urllib.parse.quote)  # fmt: skip
        return f"mailto:{settings.contact}?{query}"
    parts = urllib.parse.urlsplit(settings.contact)
    extra = urllib.parse.urlencode({"page": address, "title": title})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query))
