"""The validated records: frozen dataclasses in the content contract's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from site_builder import vocabulary as v
from site_builder.dates import PartialDate as PartialDate  # noqa: PLC0414 - re-exported
from site_builder.errors import SourceLocation
from site_builder.vocabulary import Grade as Grade  # noqa: PLC0414 - re-exported
from site_builder.vocabulary import Status as Status  # noqa: PLC0414 - re-exported

WITHDRAWN_LABEL = "Withdrawn record"
# A record's fields that no page shows but the record's own, and that only as the HTML its
# context holds: templates may not read them (render/templating.py), so pages holding the
# record need not change with them (incremental/pages.py).
OWN_PAGE_FIELDS = ("body",)


@dataclass(frozen=True, slots=True)
class Reference:
    """A slug in one record that must name a record of `collection`."""

    collection: str
    slug: str
    location: SourceLocation
    field_name: str


@dataclass(frozen=True, slots=True)
class Prose:
    """Markdown in a field of a record (findings, proceedings, a note): rendered and checked
    like the body, its citations links to source records."""

    key: str  # where it is: 'findings', 'corrections.0.text', 'figures.1.note'
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Correction:
    date: PartialDate
    text: str


@dataclass(frozen=True, slots=True)
class Response:
    date: PartialDate
    sender: str
    text: str | None
    url: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Record:
    """What every record has: where it came from, its status and its editorial history."""

    collection: str
    slug: str
    path: Path
    source_path: str
    status: Status = Status.PUBLISHED
    embargo_until: PartialDate | None = None
    corrections: tuple[Correction, ...] = ()
    responses: tuple[Response, ...] = ()
    last_reviewed: PartialDate | None = None
    body: str = ""
    body_line: int = 1
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)
    prose: tuple[Prose, ...] = field(default=(), compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # by field
    sources: tuple[str, ...] = ()

    @property
    def is_withdrawn(self) -> bool:
        return self.status is Status.WITHDRAWN

    def line_of(self, name: str) -> int:
        """The line a top-level field starts on (the first line if it is not there)."""
        return self.lines.get(name, 1)

    @property
    def label(self) -> str:
        """How the record is named in lists and links; a withdrawn one only neutrally."""
        if self.is_withdrawn:
            return WITHDRAWN_LABEL
        return str(getattr(self, "title", None) or getattr(self, "name", self.slug))


@dataclass(frozen=True, slots=True)
class Figure:
    metric: str
    value: int
    as_at: PartialDate
    note: str | None
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Authority(Record):
    name: str
    kind: v.AuthorityKind
    region: str
    gss_code: str
    dfe_code: str | None = None
    website: str | None = None
    statistical_neighbours: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    ended: PartialDate | None = None  # abolished or replaced, as `ended_source` dates it
    ended_source: str | None = None
    succeeded_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chair:
    name: str
    start: PartialDate
    end: PartialDate | None
    is_independent: bool | None
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Body(Record):
    name: str
    kind: v.BodyKind
    authorities: tuple[str, ...]
    chairs: tuple[Chair, ...] = ()
    active_from: PartialDate | None = None
    active_to: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Review:
    kind: v.ReviewKind
    status: v.ReviewStatus
    body: str | None = None
    commissioned: PartialDate | None = None
    published: PartialDate | None = None
    chair: str | None = None
    independent_chair: bool | None = None
    url: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Case(Record):
    title: str
    name_status: v.NameStatus
    authority: str
    harm: v.Harm
    naming_basis: str | None = None
    aliases: tuple[str, ...] = ()
    age: int | str | None = None
    date: PartialDate | None = None
    content_note: str | None = None
    proceedings: str | None = None
    reviews: tuple[Review, ...] = ()
    services_involved: v.ServicesInvolved = v.ServicesInvolved.NOT_KNOWN

    @property
    def were_services_involved(self) -> bool:
        """Whether a source says the council's children's services were involved."""
        return self.services_involved is v.ServicesInvolved.YES

    @property
    def has_died(self) -> bool:
        return self.harm is v.Harm.DIED

    @property
    def is_named_in_public(self) -> bool:
        """Whether a court or an official report made the child's name public."""
        return self.name_status is v.NameStatus.PUBLIC_NAMED


@dataclass(frozen=True, slots=True)
class Judgement:
    area: str
    grade: Grade


@dataclass(frozen=True, kw_only=True, slots=True)
class Inspection(Record):
    """A judgement, or several like judgements at once (`count`, `grades`).

    A record says what its sources say and no more: `count` is None where no source gives
    the number, and `grade_at_least` gives a grade known only as a range ("approved":
    adequate or better) to the judgements whose exact grade is not given."""

    title: str
    authority: str
    judged_by: str
    kind: v.InspectionKind
    date: PartialDate
    published: PartialDate | None = None
    board: str | None = None
    framework: str | None = None
    grade: Grade | None = None
    grade_at_least: Grade | None = None
    count: int | None = 1
    grades: tuple[tuple[Grade, int], ...] = ()
    judgements: tuple[Judgement, ...] = ()
    cases: tuple[str, ...] = ()
    reruns_ordered: int | None = None
    findings: str | None = None
    actions: str | None = None
    url: str | None = None

    @property
    def is_inspection(self) -> bool:
        """Whether it is an inspection of services: not an evaluation, inquiry or notice."""
        return self.kind is v.InspectionKind.INSPECTION

    @property
    def is_scr_evaluation(self) -> bool:
        """Whether its grade judges the quality of a serious case review, not the practice."""
        return self.kind is v.InspectionKind.SCR_EVALUATION

    @property
    def grade_counts(self) -> dict[Grade, int]:
        """Each exact grade given and how many times: an aggregate counts as its judgements."""
        if self.grades:
            return {grade: n for grade, n in self.grades if n}
        return {self.grade: 1} if self.grade else {}

    @property
    def known_count(self) -> int:
        """How many judgements the record is known to stand for (a lower bound when `count`
        is not known): at least one, or as many as its grades add up to."""
        if self.count is not None:
            return self.count
        return max(1, sum(n for _, n in self.grades))

    @property
    def ungraded_count(self) -> int:
        """How many of its known judgements have no exact grade in the record."""
        return max(0, self.known_count - sum(self.grade_counts.values()))

    @property
    def overall_grade(self) -> Grade:
        """The single exact grade of the record; for an aggregate, the worst grade given."""
        if self.grade:
            return self.grade
        ranked = [g for g in self.grade_counts if g.rank is not None]
        return min(ranked, key=lambda g: g.rank or 0) if ranked else Grade.NOT_GRADED

    @property
    def has_unknown_judgements(self) -> bool:
        """Whether some of its judgements have no exact grade, or their number is not known."""
        return self.ungraded_count > 0 or (self.count is None and not self.grade)

    @property
    def rank_range(self) -> tuple[int, int] | None:
        """The lowest and highest rank its overall (worst) grade could have, or None."""
        exact = self.overall_grade.rank
        if not self.has_unknown_judgements:
            return (exact, exact) if exact is not None else None
        if self.grade_at_least is None or self.grade_at_least.rank is None:
            return (1, exact) if exact is not None else None
        bound = self.grade_at_least.rank
        return (min(exact, bound), exact) if exact is not None else (bound, 4)

    @property
    def grade_words(self) -> str:
        """The grade as page copy: 'Inadequate', 'Adequate or better'."""
        if self.grade_at_least and not self.grade_counts:
            return f"{self.grade_at_least.label} or better"
        return self.overall_grade.label


@dataclass(frozen=True, kw_only=True, slots=True)
class Source(Record):
    title: str
    kind: v.SourceKind
    published: PartialDate
    publisher: str | None = None
    url: str | None = None
    archived_url: str | None = None
    retrieved: PartialDate | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Page(Record):
    title: str


@dataclass(frozen=True, slots=True)
class SiteSettings:
    title: str
    base_url: str
    description: str
    contact: str = ""
    licence: str | None = None
    support: str | None = None
    # Not from site.yaml: the newest date the published records state, set when they are
    # linked; every page's footer shows it as when the record was last updated.

    @property
    def contact_is_email(self) -> bool:
        return not self.contact.startswith(("https://", "http://"))
