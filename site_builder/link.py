"""Link stage: keep what may be published, resolve every reference, compute backlinks."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from site_builder import models as m
from site_builder.consistency import check_consistency, linked_sources
from site_builder.errors import ContentError
from site_builder.vocabulary import COLLECTIONS

RecordMap = dict[str, m.Record]


@dataclass(frozen=True)
class Site:
    """Every publishable record by collection and slug, with backlinks between them."""

    settings: m.SiteSettings
    collections: dict[str, RecordMap]
    cited_by: dict[str, tuple[m.Record, ...]] = field(default_factory=dict)
    cases_of: dict[str, tuple[m.Case, ...]] = field(default_factory=dict)
    bodies_of: dict[str, tuple[m.Body, ...]] = field(default_factory=dict)
    inspections_of: dict[str, tuple[m.Inspection, ...]] = field(default_factory=dict)
    inspections_of_case: dict[str, tuple[m.Inspection, ...]] = field(default_factory=dict)
    inspections_of_body: dict[str, tuple[m.Inspection, ...]] = field(default_factory=dict)

    def get(self, collection: str, slug: str) -> m.Record:
        return self.collections[collection][slug]

    def listed(self, collection: str) -> list[m.Record]:
        """The records that appear in lists: published, not withdrawn, in slug order."""
        return [r for r in self.collections[collection].values() if not r.is_withdrawn]

    @property
    def authorities(self) -> dict[str, m.Authority]:
        return self.collections["authorities"]  # type: ignore[return-value]

    @property
    def records(self) -> Iterable[m.Record]:
        for records in self.collections.values():
            yield from records.values()


def is_visible(record: m.Record, today: dt.date, include_drafts: bool) -> bool:
    """Whether a record may reach any output file on this build date."""
    if include_drafts:
        return True
    if record.status is m.Status.DRAFT:
        return False
    return record.embargo_until is None or record.embargo_until.earliest() <= today


PLACEHOLDER_SETTINGS = m.SiteSettings("", "https://invalid.example/", "")


def link_records(
    records: list[m.Record | m.SiteSettings],
    known_slugs: dict[str, frozenset[str]],
    today: dt.date,
    include_drafts: bool = False,
) -> tuple[Site, list[ContentError]]:
    """Return the linked Site and an error for every reference that does not resolve.

    `known_slugs` holds every record file, valid or not, so that a reference to a record
    with its own errors is not reported twice.
    """
    settings = next((r for r in records if isinstance(r, m.SiteSettings)), PLACEHOLDER_SETTINGS)
    everything: dict[str, RecordMap] = defaultdict(dict)
    for record in records:
        if isinstance(record, m.Record):
            everything[record.collection][record.slug] = record
    visible = {
        name: {
            slug: r
            for slug, r in sorted(everything.get(name, {}).items())
            if is_visible(r, today, include_drafts)
        }
        for name in COLLECTIONS
    }
    scope = _Scope(everything, known_slugs, visible)
    errors = [
        error
        for name, found in sorted(everything.items())
        for record in found.values()
        for error in _check_references(record, scope, record.slug in visible[name])
    ]
    published = [r for found in visible.values() for r in found.values() if not r.is_withdrawn]
    errors += check_consistency(published, everything.get("sources", {}))
    return _with_backlinks(settings, visible), errors


@dataclass(frozen=True)
class _Scope:
    """What references are checked against: every valid record, every record file's slug
    (valid or not), and the records this build publishes."""

    everything: dict[str, RecordMap]
    known_slugs: dict[str, frozenset[str]]
    visible: dict[str, RecordMap]


def _check_references(record: m.Record, scope: _Scope, is_published: bool) -> list[ContentError]:
    errors = []
    for ref in record.references:
        known = scope.everything.get(ref.collection, {})
        if ref.slug not in known and ref.slug in scope.known_slugs.get(ref.collection, ()):
            continue  # the target has errors of its own
        fits = _rule_of(record, ref, scope.known_slugs)
        if ref.slug not in known:
            options = _acceptable(record, ref, scope, is_published)
            message = _unknown_message(record, ref, options)
        elif is_published and ref.slug not in scope.visible[ref.collection]:
            target = known[ref.slug]
            state = "a draft" if target.status is m.Status.DRAFT else "under embargo"
            message = (
                f"'{ref.field_name}' refers to {COLLECTIONS[ref.collection].singular} '{ref.slug}', "
                f"which is {state}: publish both together or remove the reference"
            )
        elif fits is not None and not fits(known[ref.slug]):
            options = _acceptable(record, ref, scope, is_published)
            message = _misfit_message(record, ref, options)
        else:
            continue
        errors.append(ContentError(ref.location, message))
    return errors


Rule = Callable[[m.Record], bool]


def _rule_of(
    record: m.Record, ref: m.Reference, known_slugs: dict[str, frozenset[str]]
) -> Rule | None:
    """What a reference's target must be, beyond existing: a review's body must list the
    case's authority (a Sandwell case reviewed by Haringey's board is a mistake). None where
    there is no rule, or where it cannot be checked (the authority itself is unknown)."""
    if (
        isinstance(record, m.Case)
        and ref.field_name == "reviews.body"
        and record.authority in known_slugs.get("authorities", ())
    ):
        authority = record.authority
        return lambda body: authority in getattr(body, "authorities", ())
    return None


def _acceptable(record: m.Record, ref: m.Reference, scope: _Scope, is_published: bool) -> list[str]:
    """The slugs the rules would accept in place of this reference's: a did-you-mean must
    never lead an editor to a record that is then refused (a draft, another council's board)."""
    fits = _rule_of(record, ref, scope.known_slugs)
    known = scope.everything.get(ref.collection, {})

    def is_acceptable(slug: str) -> bool:
        if slug not in known:  # a file with errors of its own: the rule cannot be checked
            return fits is None
        if is_published and slug not in scope.visible[ref.collection]:
            return False
        return fits is None or fits(known[slug])

    candidates = scope.known_slugs.get(ref.collection, ())
    return sorted(slug for slug in candidates if is_acceptable(slug))


def _unknown_message(record: m.Record, ref: m.Reference, acceptable: list[str]) -> str:
    singular = COLLECTIONS[ref.collection].singular
    message = f"unknown {singular} '{ref.slug}' in '{ref.field_name}'"
    close = difflib.get_close_matches(ref.slug, acceptable, n=1)
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    return f"{message}; if it is new, run: {_new_command(record, ref.collection, ref.slug)}"


def _misfit_message(record: m.Record, ref: m.Reference, acceptable: list[str]) -> str:
    authority = getattr(record, "authority", "")
    close = difflib.get_close_matches(ref.slug, acceptable, n=1)
    if close:
        advice = f"did you mean '{close[0]}'?"
    elif acceptable:
        advice = "bodies that list it: " + ", ".join(acceptable[:5])
    else:
        advice = f"to add its board, run: {_new_command(record, 'bodies', 'SLUG')}"
    return (
        f"'{ref.field_name}': body '{ref.slug}' does not list this case's authority "
        f"'{authority}' in its 'authorities'; name the board that reviewed the case ({advice})"
    )


def _new_command(record: m.Record, collection: str, slug: str) -> str:
    """The `site-builder new` command that makes the missing record."""
    authority = getattr(record, "authority", None)
    option = f" --authority {authority}" if collection == "bodies" and authority else ""
    return f"site-builder new {COLLECTIONS[collection].singular} {slug}{option}"


def _with_backlinks(settings: m.SiteSettings, visible: dict[str, RecordMap]) -> Site:
    cited_by: dict[str, list[m.Record]] = defaultdict(list)
    cases_of: dict[str, list[m.Case]] = defaultdict(list)
    bodies_of: dict[str, list[m.Body]] = defaultdict(list)
    inspections_of: dict[str, list[m.Inspection]] = defaultdict(list)
    inspections_of_case: dict[str, list[m.Inspection]] = defaultdict(list)
    inspections_of_body: dict[str, list[m.Inspection]] = defaultdict(list)
    for name in sorted(visible):
        for record in visible[name].values():
            if record.is_withdrawn:
                continue
            cited = {ref.slug for ref in record.references if ref.collection == "sources"}
            for slug in sorted(cited | (linked_sources(record) & visible["sources"].keys())):
                cited_by[slug].append(record)
            if isinstance(record, m.Case):
                cases_of[record.authority].append(record)
            elif isinstance(record, m.Body):
                for authority in record.authorities:
                    bodies_of[authority].append(record)
            elif isinstance(record, m.Inspection):
                inspections_of[record.authority].append(record)
                for case in record.cases:
                    inspections_of_case[case].append(record)
                if record.board:
                    inspections_of_body[record.board].append(record)
    by_date = _newest_first
    return Site(
        settings=settings,
        collections=visible,
        cited_by={k: tuple(v) for k, v in cited_by.items()},
        cases_of={k: tuple(sorted(v, key=by_date)) for k, v in cases_of.items()},
        bodies_of={k: tuple(v) for k, v in bodies_of.items()},
        inspections_of={k: tuple(sorted(v, key=by_date)) for k, v in inspections_of.items()},
        inspections_of_case={
            k: tuple(sorted(v, key=by_date)) for k, v in inspections_of_case.items()
        },
        inspections_of_body={
            k: tuple(sorted(v, key=by_date)) for k, v in inspections_of_body.items()
        },
    )


def _newest_first(record: m.Case | m.Inspection) -> tuple[int, str]:
    date = record.date
    return (-(date.earliest().toordinal()) if date else 0, record.slug)
