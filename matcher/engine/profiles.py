"""Plain data the engine scores: applicant profiles, opportunities, and the taxonomy's names.

The service layer converts its models into these. Codes are plain strings (ISO 3166 alpha-2
countries, UN M49 sub-region and region names, interest slugs, ISO 639-1 languages) and training
levels are ordered integers, so the engine needs nothing from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import cached_property

TEACHING_VISIT = "teaching_visit"

# Enough to speak plainly without the app's reference data; the taxonomy's labels take precedence.
LANGUAGE_NAMES = {
    "am": "Amharic",
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ha": "Hausa",
    "hi": "Hindi",
    "it": "Italian",
    "ne": "Nepali",
    "pt": "Portuguese",
    "ru": "Russian",
    "rw": "Kinyarwanda",
    "sw": "Swahili",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


class Proficiency(IntEnum):
    """Language levels, ordered: a higher level meets any lower requirement."""

    BASIC = 1
    CONVERSATIONAL = 2
    PROFESSIONAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class LanguageReq:
    """A language at a level: what an opportunity requires, or what an applicant speaks."""

    code: str
    level: Proficiency


@dataclass(frozen=True)
class Window:
    """A date range, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlap_days(self, other: Window) -> int:
        return max(0, (min(self.end, other.end) - max(self.start, other.start)).days + 1)

    def __str__(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


@dataclass(frozen=True)
class ApplicantProfile:
    """What the engine knows of an applicant."""

    id: str
    level: int
    interests: frozenset[str] = frozenset()
    languages: tuple[LanguageReq, ...] = ()
    availability: tuple[Window, ...] = ()
    countries_of_interest: frozenset[str] = frozenset()
    subregions_of_interest: frozenset[str] = frozenset()
    regions_of_interest: frozenset[str] = frozenset()
    can_teach: frozenset[str] = frozenset()
    ranked_opportunities: tuple[str, ...] = ()  # the applicant's own order, most wanted first
    # A teaching volunteer's side (procedure codes, ISO 639-1 codes): what they can teach and
    # assist, the languages they teach in, the weeks a year they offer (None: not said) and the
    # weeks already committed, as (year, weeks) pairs, on teaching placements they accepted.
    teaches: frozenset[str] = frozenset()
    assists: frozenset[str] = frozenset()
    instructs: frozenset[str] = frozenset()
    teaching_weeks: int | None = None
    committed_weeks: tuple[tuple[int, int], ...] = ()
    # The applicant's profession (a code, e.g. "ir-nurse"; "" when not known): a visit with
    # `OpportunitySpec.roles` takes people by profession instead of by training level.
    profession: str = ""

    @property
    def has_place_preference(self) -> bool:
        return bool(self.countries_of_interest or self.subregions_of_interest or self.regions_of_interest)

    def weeks_committed(self, year: int) -> int:
        return sum(weeks for y, weeks in self.committed_weeks if y == year)

    def weeks_left(self, year: int) -> int:
        """Weeks still offered in ``year``: those offered minus those already committed."""
        return max(0, (self.teaching_weeks or 0) - self.weeks_committed(year))

    def speaks(self, code: str) -> Proficiency | None:
        return self._spoken.get(code)

    @cached_property
    def _spoken(self) -> dict[str, Proficiency]:
        """Each language at the best level the applicant lists it (computed once per profile)."""
        spoken: dict[str, Proficiency] = {}
        for language in self.languages:
            if language.code not in spoken or language.level > spoken[language.code]:
                spoken[language.code] = language.level
        return spoken


@dataclass(frozen=True)
class OpportunitySpec:
    """What the engine knows of an opportunity.

    Fixed dates: the visit is the whole window. Flexible (``min_days`` set): a visit of at least
    ``min_days`` consecutive days anywhere inside the window.
    """

    id: str
    country: str
    subregion: str
    region: str
    min_level: int
    max_level: int
    dates: Window
    min_days: int | None = None
    title: str = ""
    kind: str = "elective"
    interests: frozenset[str] = frozenset()
    languages: tuple[LanguageReq, ...] = ()
    teaching_needs: frozenset[str] = frozenset()
    is_open: bool = True
    places_left: int = 1
    # A teaching visit answering a host's teaching request: its procedures (codes) and language of
    # instruction replace the generic teaching needs, and the weeks budget applies.
    from_request: bool = False
    procedures: frozenset[str] = frozenset()
    instruction_language: str | None = None
    # The professions a visit's team takes (the roles of its teaching request). When set, who may
    # come is decided by profession, and the training level range does not apply: nurses and
    # radiographers have grades of their own, not training levels.
    roles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.min_level > self.max_level:
            raise ValueError(f"opportunity {self.id!r}: min_level is above max_level")

    @property
    def is_teaching(self) -> bool:
        return self.kind == TEACHING_VISIT

    @property
    def by_role(self) -> bool:
        """Whether the visit takes people by profession (its roles) rather than by training level."""
        return bool(self.roles)

    def takes(self, applicant: ApplicantProfile) -> bool:
        """Whether the applicant's profession, or their training level, is one the visit takes."""
        if self.roles:
            return applicant.profession in self.roles
        return self.min_level <= applicant.level <= self.max_level

    @property
    def name(self) -> str:
        return self.title or self.id

    @property
    def weeks(self) -> int:
        """The weeks a visitor gives to it: the whole window, or the shortest stay when flexible."""
        return -(-(self.min_days or self.dates.days) // 7)

    @property
    def year(self) -> int:
        """The calendar year whose weeks budget the visit uses (the year it starts)."""
        return self.dates.start.year


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """Interest groups and display names, passed in from the app's reference data."""

    interest_groups: Mapping[str, str] = field(default_factory=dict)  # interest slug -> group name
    labels: Mapping[str, str] = field(default_factory=dict)  # any code or slug -> display name
    level_names: Mapping[int, str] = field(default_factory=dict)
    _groups_cache: dict[frozenset[str], frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def label(self, code: str) -> str:
        return self.labels.get(code) or LANGUAGE_NAMES.get(code) or code

    def level_name(self, level: int) -> str:
        return self.level_names.get(level, f"level {level}")

    def group(self, slug: str) -> str | None:
        return self.interest_groups.get(slug)

    def groups_of(self, slugs: frozenset[str]) -> frozenset[str]:
        """The groups of a set of interests, remembered per set (profiles share few distinct sets)."""
        groups = self._groups_cache.get(slugs)
        if groups is None:
            groups = frozenset(g for g in map(self.interest_groups.get, slugs) if g)
            self._groups_cache[slugs] = groups
        return groups
