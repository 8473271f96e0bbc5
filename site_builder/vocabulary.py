"""The content's words: the one table of collections, and an Enum for each set of kinds,
harms, grades and statuses, each with its wording as page copy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


@dataclass(frozen=True)
class Collection:
    """A kind of record: its folder, its words, and where its pages go."""

    plural: str  # its folder under content/ and its name in the code: 'inspections'
    singular: str  # what `site-builder new` and error messages call one: 'inspection'
    label: str  # what one record is, in page copy: 'Judgement'
    title: str  # its list page's heading and its open data's title
    search_label: str  # what one record is, beside a search result
    change_order: int  # on one date, changes to which collections come first in lists
    authority_field: str | None = None  # the field naming its council, for `new --authority`
    is_data_only: bool = False  # `new` writes YAML: a record with no text of its own
    has_open_data: bool = True  # published as JSON and CSV under data/

    @property
    def template(self) -> str:
        """The template of a record's page: 'inspection.html'."""
        return f"{self.singular}.html"

    @property
    def address_prefix(self) -> str:
        """Where its pages are, relative to the site's root: 'inspections/'."""
        return f"{self.plural}/"

    @property
    def noun(self) -> str:
        """What one record is, inside a sentence: 'judgement'."""
        return self.label.lower()


COLLECTIONS = {
    c.plural: c
    for c in (
        Collection("authorities", "authority", "Council", "Councils", "Council", 2),
        Collection("bodies", "body", "Safeguarding board", "Safeguarding boards and partnerships",
                   "Safeguarding board", 3, authority_field="authorities"),
        Collection("cases", "case", "Case", "Cases", "Case", 1, authority_field="authority"),
        Collection("inspections", "inspection", "Judgement", "Inspections and judgements",
                   "Inspection or judgement", 0, authority_field="authority"),
        Collection("sources", "source", "Source", "Sources", "Source", 5, is_data_only=True),
        Collection("pages", "page", "Page", "Pages", "Page", 4, has_open_data=False),
    )
}  # fmt: skip


class Term(StrEnum):
    """A word of the content contract: its value is how content spells it."""

    @property
    def label(self) -> str:
        """The word as page copy: metropolitan_district -> 'Metropolitan district'."""
        spelled = _SPELLED_OUT.get(type(self), {}).get(self.value)
        return spelled or self.value.replace("_", " ").capitalize()


class AuthorityKind(Term):
    """Scorecards set a council beside councils of its own kind only (in this order)."""

    METROPOLITAN_DISTRICT = "metropolitan_district"
    LONDON_BOROUGH = "london_borough"
    UNITARY = "unitary"
    COUNTY = "county"

    @property
    def heading(self) -> str:
        """The heading of the councils of this kind: 'London boroughs'."""
        return _GROUP_HEADINGS[self]

    @property
    def gss_prefix(self) -> str:
        """How the ONS codes of councils of this kind begin: 'E08'."""
        return _GSS_PREFIXES[self]

    @classmethod
    def of_gss_code(cls, code: str) -> AuthorityKind | None:
        """The kind of council an ONS code names, from its first three characters; None
        where they name no council with children's services."""
        return next((kind for kind in cls if code.startswith(_GSS_PREFIXES[kind])), None)


class BodyKind(Term):
    LSCB = "lscb"
    SAFEGUARDING_PARTNERSHIP = "safeguarding_partnership"
    NATIONAL_PANEL = "national_panel"
    OTHER = "other"


class InspectionKind(Term):
    SCR_EVALUATION = "scr_evaluation"  # grades the quality of a review, not the practice
    INSPECTION = "inspection"
    SCRUTINY_INQUIRY = "scrutiny_inquiry"
    MINISTERIAL_DIRECTION = "ministerial_direction"
    IMPROVEMENT_NOTICE = "improvement_notice"
    OTHER = "other"

    @property
    def is_intervention(self) -> bool:
        """Whether the government stepped in: a direction or an improvement notice."""
        return self in (InspectionKind.MINISTERIAL_DIRECTION, InspectionKind.IMPROVEMENT_NOTICE)


class SourceKind(Term):
    NEWS = "news"
    OFFICIAL_REPORT = "official_report"
    INSPECTION_REPORT = "inspection_report"
    REVIEW_REPORT = "review_report"
    STATISTICS = "statistics"
    COURT_JUDGMENT = "court_judgment"
    STATEMENT = "statement"
    DATASET = "dataset"
    OTHER = "other"


class Harm(Term):
    DIED = "died"
    SERIOUSLY_HARMED = "seriously_harmed"


class NameStatus(Term):
    PSEUDONYM = "pseudonym"
    PUBLIC_NAMED = "public_named"  # a court or official report made the child's name public


class ServicesInvolved(Term):
    """What the sources say of the council's children's services and the child."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"

    @property
    def answer(self) -> str:
        """The answer as page copy, with what it rests on: 'Yes, a source says so'."""
        return _ANSWERS[self]


class ReviewKind(Term):
    SCR = "scr"
    SCR_REREVIEW = "scr_rereview"
    CSPR = "cspr"
    NATIONAL_REVIEW = "national_review"
    OTHER = "other"

    @property
    def in_sentence(self) -> str:
        """The kind inside a sentence: 'serious case review'; another kind is a 'review'."""
        return "review" if self is ReviewKind.OTHER else self.label.lower()


class ReviewStatus(Term):
    PENDING = "pending"
    PUBLISHED = "published"
    RERUN_ORDERED = "rerun_ordered"
    WITHDRAWN = "withdrawn"


class ChangeKind(Term):
    """What a dated change in the record's log did."""

    ADDED = "added"
    CORRECTED = "corrected"


class TimelineKind(Term):
    """What a timeline event is, for filtering the timeline; each value is the address of
    the timeline page of that kind (/timeline/<value>/), and the order is the filter's."""

    INSPECTIONS = "inspections"
    REVIEW_EVALUATIONS = "review-evaluations"
    INTERVENTIONS = "interventions"
    INQUIRIES = "inquiries"
    DEATHS_AND_HARM = "deaths-and-harm"
    REVIEWS = "reviews"

    @property
    def label(self) -> str:
        """The kind as page copy, in the plural: 'Inspections of services'."""
        return _TIMELINE_LABELS[self]

    @classmethod
    def of_inspection(cls, kind: InspectionKind) -> TimelineKind:
        """The timeline kind of a judgement of this kind."""
        return _TIMELINE_KIND_OF_INSPECTION[kind]


class Status(Enum):
    """Whether a record is published, a draft, or withdrawn (its address kept)."""

    PUBLISHED = "published"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"


class Grade(Enum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_GRADED = "not_graded"

    @property
    def rank(self) -> int | None:
        """outstanding 4, good 3, adequate and requires improvement 2, inadequate 1."""
        return _GRADE_RANKS.get(self)

    @property
    def label(self) -> str:
        """The grade as page copy: 'Requires improvement'."""
        return self.value.replace("_", " ").capitalize()


_GRADE_RANKS = {
    Grade.OUTSTANDING: 4,
    Grade.GOOD: 3,
    Grade.ADEQUATE: 2,
    Grade.REQUIRES_IMPROVEMENT: 2,
    Grade.INADEQUATE: 1,
}
_ANSWERS = {
    ServicesInvolved.YES: "Yes, a source says so",
    ServicesInvolved.NO: "No, a source says not",
    ServicesInvolved.NOT_KNOWN: "Not known: no source says",
}
# The ONS entity codes of the councils responsible for children's services (the first three
# characters of a GSS code).
_GSS_PREFIXES = {
    AuthorityKind.METROPOLITAN_DISTRICT: "E08",
    AuthorityKind.LONDON_BOROUGH: "E09",
    AuthorityKind.UNITARY: "E06",
    AuthorityKind.COUNTY: "E10",
}

_GROUP_HEADINGS = {
    AuthorityKind.METROPOLITAN_DISTRICT: "Metropolitan districts",
    AuthorityKind.LONDON_BOROUGH: "London boroughs",
    AuthorityKind.UNITARY: "Unitary authorities",
    AuthorityKind.COUNTY: "County councils",
}
# Words whose plain spelling out would garble an acronym or read badly, by Enum.
_SPELLED_OUT: dict[type[Term], dict[str, str]] = {
    BodyKind: {"lscb": "Local Safeguarding Children Board"},
    InspectionKind: {"scr_evaluation": "Evaluation of a serious case review"},
    ReviewKind: {
        "scr": "Serious case review",
        "scr_rereview": "Second serious case review",
        "cspr": "Child safeguarding practice review",
        "other": "Other review",
    },
    ReviewStatus: {"rerun_ordered": "Re-run ordered"},
}
_TIMELINE_LABELS = {
    TimelineKind.INSPECTIONS: "Inspections of services",
    TimelineKind.REVIEW_EVALUATIONS: "Evaluations of serious case reviews",
    TimelineKind.INTERVENTIONS: "Directions and improvement notices",
    TimelineKind.INQUIRIES: "Inquiries and other judgements",
    TimelineKind.DEATHS_AND_HARM: "Deaths and serious harm",
    TimelineKind.REVIEWS: "Reviews published",
}
_TIMELINE_KIND_OF_INSPECTION = {
    InspectionKind.INSPECTION: TimelineKind.INSPECTIONS,
    InspectionKind.SCR_EVALUATION: TimelineKind.REVIEW_EVALUATIONS,
    InspectionKind.MINISTERIAL_DIRECTION: TimelineKind.INTERVENTIONS,
    InspectionKind.IMPROVEMENT_NOTICE: TimelineKind.INTERVENTIONS,
    InspectionKind.SCRUTINY_INQUIRY: TimelineKind.INQUIRIES,
    InspectionKind.OTHER: TimelineKind.INQUIRIES,
}
