"""The records linked to a record's own, both ways, each kind under its heading."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder.link import Site


@dataclass(frozen=True)
class Related:
    """The records linked to a record's own, both ways, each kind under its heading."""

    authorities: tuple[m.Record, ...] = ()
    bodies: tuple[m.Record, ...] = ()
    cases: tuple[m.Record, ...] = ()
    inspections: tuple[m.Record, ...] = ()
    cited_by: tuple[m.Record, ...] = ()


def related_records(record: m.Record, site: Site) -> Related:
    """The records linked to this one, both ways."""
    slug = record.slug
    if isinstance(record, m.Authority):
        return Related(
            bodies=site.bodies_of.get(slug, ()),
            cases=site.cases_of.get(slug, ()),
            inspections=site.inspections_of.get(slug, ()),
        )
    if isinstance(record, m.Body):
        return Related(
            authorities=tuple(site.get("authorities", a) for a in record.authorities),
            inspections=site.inspections_of_body.get(slug, ()),
            cases=tuple(
                c
                for c in site.listed("cases")
                if isinstance(c, m.Case) and any(r.body == slug for r in c.reviews)
            ),
        )
    if isinstance(record, m.Case):
        return Related(
            inspections=site.inspections_of_case.get(slug, ()),
            bodies=tuple(
                site.get("bodies", b) for b in sorted({r.body for r in record.reviews if r.body})
            ),
        )
    if isinstance(record, m.Inspection):
        return Related(
            cases=tuple(site.get("cases", c) for c in record.cases),
            bodies=(site.get("bodies", record.board),) if record.board else (),
        )
    if isinstance(record, m.Source):
        return Related(cited_by=site.cited_by.get(slug, ()))
    return Related()
