"""Reads for the teams' pages: hamlets, households, a hamlet's figures, visits.

Every read of personal data starts from :mod:`community_teams.permissions`, so a
page shows only what its viewer may see; each returns what the template needs
with its related rows read up front.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from community_teams import figures, permissions
from community_teams.models import (
    Consent,
    Guidance,
    HamletFigures,
    HamletMonthFigures,
    HamletSkillFigures,
    Household,
    HouseholdChange,
    Resident,
    SignupReferral,
    Skill,
    Visit,
    VisitAttendee,
)
from lms.models import Commune
from lms.permissions import user_reach
from lms.text import fold


def hamlet_list(user):
    """The hamlets ``user`` may see, with households on the roster and reached."""
    return (
        permissions.hamlets_visible_to(user)
        .select_related("commune")
        .annotate(
            household_count=Count("households", distinct=True),
            reached_count=Count(
                "households",
                filter=Q(households__visits__isnull=False),
                distinct=True,
            ),
        )
        .order_by("commune__name", "name")
    )


def hamlet_get(user, hamlet_id: int):
    return (
        permissions.hamlets_visible_to(user)
        .select_related("commune")
        .filter(pk=hamlet_id)
        .first()
    )


def household_list(*, hamlet, query: str = "", not_visited: bool = False):
    """The hamlet's households, found by head's name or house number without accents.

    Each row carries its residents' number and its last visit, read by correlated
    subqueries: a page of 50 costs 50 small index lookups, not a join of every
    resident and visit of the hamlet.
    """
    residents = (
        Resident.objects.filter(household=OuterRef("pk"), erased_at=None)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    households = Household.objects.filter(hamlet=hamlet).annotate(
        resident_count=Coalesce(Subquery(residents), 0),
        last_visit=Subquery(last_visit),
    )
    for word in fold(query).split():
        households = households.filter(search_key__contains=word)
    if not_visited:
        households = households.filter(
            ~Exists(Visit.objects.filter(household=OuterRef("pk")))
        )
    return households.order_by("search_key", "pk")


def household_get(user, household_id: int):
    """A household with its residents and visits (people and skills), or ``None``."""
    return (
        permissions.households_visible_to(user)
        .select_related("hamlet__commune")
        .prefetch_related(
            Prefetch(
                "residents",
                queryset=Resident.objects.annotate(
                    consent=Subquery(
                        Consent.objects.filter(
                            resident=OuterRef("pk"), purpose=Consent.Purpose.OUTREACH
                        )
                        .order_by("-at", "-pk")
                        .values("action")[:1]
                    )
                ),
            ),
            Prefetch(
                "visits",
                queryset=Visit.objects.select_related("member").prefetch_related(
                    Prefetch(
                        "attendees",
                        queryset=VisitAttendee.objects.select_related(
                            "resident"
                        ).prefetch_related(
                            Prefetch(
                                "guidance",
                                queryset=Guidance.objects.select_related("skill"),
                            )
                        ),
                    )
                ),
            ),
        )
        .filter(pk=household_id)
        .first()
    )


@dataclass(frozen=True)
class SkillFigure:
    skill: Skill
    guided: int
    by_themselves: int

    @property
    def guided_only(self) -> int:
        return self.guided - self.by_themselves


@dataclass(frozen=True)
class HamletSummary:
    households: int
    residents: int
    reached: int
    visits: int
    skills: list[SkillFigure]
    members_this_month: list[tuple[str, int]]
    # People who made an account through the team's poster in this hamlet, and
    # how many of them have finished a course online since.
    signed_up: int = 0
    finished_online: int = 0

    @property
    def not_reached(self) -> int:
        return self.households - self.reached

    @property
    def repeat_visits(self) -> int:
        return self.visits - self.reached

    @property
    def reached_percent(self) -> int:
        return round(100 * self.reached / self.households) if self.households else 0


FIGURES_SECONDS = 300


def _figures_key(hamlet_id) -> str:
    return f"community_teams:hamlet-figures:{hamlet_id}"


def hamlet_figures_forget(*hamlet_ids) -> None:
    """Drop the kept figures of these hamlets: their visits or households changed."""
    cache.delete_many([_figures_key(pk) for pk in hamlet_ids])


def hamlet_summary(hamlet) -> HamletSummary:
    """The hamlet's figures, kept for a few minutes or until a write changes them.

    The services that record visits, add, merge or erase households forget them;
    the time limit covers changes made elsewhere (an import, the admin).
    """
    key = _figures_key(hamlet.pk)
    summary = cache.get(key)
    if summary is None:
        summary = hamlet_summary_count(hamlet)
        cache.set(key, summary, FIGURES_SECONDS)
    return summary


def hamlet_summary_count(hamlet) -> HamletSummary:
    """A hamlet at a glance, in seven queries whatever its size.

    People are counted once per skill however often they were guided; a person
    counts as doing it themselves once they did it themselves at any visit. Those
    who signed up through the team's poster are counted by the hamlet the poster
    named, and as finishing online once any course of theirs is completed.
    """
    households = Household.objects.filter(hamlet=hamlet)
    totals = households.aggregate(
        households=Count("pk", distinct=True),
        reached=Count("pk", filter=Q(visits__isnull=False), distinct=True),
    )
    visits = Visit.objects.filter(household__hamlet=hamlet)
    guidance = Guidance.objects.filter(attendee__visit__household__hamlet=hamlet)
    per_skill = {
        row["skill"]: row
        for row in guidance.values("skill").annotate(
            guided=Count("attendee__resident", distinct=True),
            by_themselves=Count(
                "attendee__resident", filter=Q(by_themselves=True), distinct=True
            ),
        )
    }
    skills = [
        SkillFigure(
            skill=skill,
            guided=per_skill.get(skill.pk, {}).get("guided", 0),
            by_themselves=per_skill.get(skill.pk, {}).get("by_themselves", 0),
        )
        for skill in Skill.objects.all()
        if skill.active or skill.pk in per_skill
    ]
    month_start = timezone.localdate().replace(day=1)
    members = (
        visits.filter(visited_on__gte=month_start)
        .values("member__full_name", "member__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "member__full_name")
    )
    referred = SignupReferral.objects.filter(hamlet=hamlet).aggregate(
        signed_up=Count("pk", distinct=True),
        finished_online=Count(
            "pk", filter=Q(user__enrollments__completed_at__isnull=False), distinct=True
        ),
    )
    return HamletSummary(
        signed_up=referred["signed_up"],
        finished_online=referred["finished_online"],
        households=totals["households"],
        # As the figures count them: a person whose data was erased is no longer one.
        residents=Resident.objects.filter(
            household__hamlet=hamlet, erased_at=None
        ).count(),
        reached=totals["reached"],
        visits=visits.count(),
        skills=skills,
        members_this_month=[
            (row["member__full_name"] or row["member__username"], row["count"])
            for row in members
        ],
    )


def visits_of_member(user):
    return (
        Visit.objects.filter(member=user)
        .select_related("household__hamlet", "reviewed_by")
        .order_by("-received_at", "-pk")
    )


def visits_to_review(user):
    return (
        permissions.visits_reviewable_by(user)
        .filter(status=Visit.Status.RECEIVED)
        .select_related("household__hamlet", "member")
        .annotate(people=Count("attendees", distinct=True))
        .order_by("visited_on", "pk")
    )


def household_duplicates(hamlet) -> list[list[Household]]:
    """Groups of households that may be one entered twice: same folded head's name
    and house number in the hamlet, not yet checked by a person."""
    keys = (
        Household.objects.filter(hamlet=hamlet)
        .values("duplicate_key")
        .annotate(
            rows=Count("pk"), unchecked=Count("pk", filter=Q(duplicate_reviewed=False))
        )
        .filter(rows__gt=1, unchecked__gt=0)
        .values_list("duplicate_key", flat=True)
    )
    groups: dict[str, list[Household]] = {}
    for home in (
        Household.objects.filter(hamlet=hamlet, duplicate_key__in=list(keys))
        .annotate(
            resident_count=Count("residents", distinct=True),
            visit_count=Count("visits", distinct=True),
        )
        .order_by("duplicate_key", "pk")
    ):
        groups.setdefault(home.duplicate_key, []).append(home)
    return list(groups.values())


def household_conflicts(hamlet):
    """Changes made on an old version of a household, waiting for a decision."""
    return (
        HouseholdChange.objects.filter(
            household__hamlet=hamlet, status=HouseholdChange.Status.CONFLICT
        )
        .select_related("household", "by")
        .order_by("received_at", "pk")
    )


def checklist_households(hamlet):
    """The hamlet's households in the checklist's order, with their residents."""
    return (
        Household.objects.filter(hamlet=hamlet)
        .prefetch_related(
            Prefetch("residents", queryset=Resident.objects.order_by("pk"))
        )
        .order_by("search_key", "pk")
    )


# The teams' reach, from the summary tables -------------------------------------------

REACH_GROUPS = {"hamlet": "hamlet", "commune": "commune", "province": "province"}


@dataclass(frozen=True)
class SkillReach:
    """Residents guided on one skill, those who did it themselves, their homes."""

    skill_id: int
    code: str
    name: str
    residents_guided: int = 0
    residents_self_capable: int = 0
    households_reached: int = 0


@dataclass(frozen=True)
class MonthReach:
    """One month: visits, households and residents reached for the first time."""

    month: datetime.date
    visits: int = 0
    households_first_reached: int = 0
    residents_guided_first: int = 0


@dataclass(frozen=True)
class TeamReach:
    """The teams' reach in one hamlet, commune or province (``key`` is its id)."""

    key: int | str
    households: int = 0
    households_reached: int = 0
    residents: int = 0
    residents_guided: int = 0
    visits: int = 0
    skills: tuple[SkillReach, ...] = ()
    months: tuple[MonthReach, ...] = ()

    @property
    def households_reached_percent(self) -> int:
        return _percent(self.households_reached, self.households)

    @property
    def residents_guided_percent(self) -> int:
        return _percent(self.residents_guided, self.residents)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _sums(fields) -> dict:
    return {name: Sum(name) for name in fields}


def reach_figures(
    *,
    hamlet_ids=None,
    commune_ids=None,
    province_ids=None,
    group_by: str = "hamlet",
    year: int | None = None,
    detail: bool = True,
) -> dict[int | str, TeamReach]:
    """The teams' reach summed per hamlet, commune or province, from the summary
    tables (:mod:`community_teams.figures`), never from the visits themselves.

    ``hamlet_ids``, ``commune_ids`` and ``province_ids`` narrow what is summed
    (all given must hold; ``None`` does not narrow, an empty list leaves nothing);
    the caller has scoped them to what its viewer may see. ``group_by`` is
    ``"hamlet"`` (keys are hamlet ids), ``"commune"`` (commune codes) or
    ``"province"`` (province codes). Each :class:`TeamReach` lists the skills
    offered and any other with figures, in the skills' order, and the twelve
    months of ``year`` (this year by default), months without visits at zero.
    Only places with households on their lists have an entry.

    Four queries whatever the number of hamlets; one with ``detail=False``,
    which leaves ``skills`` and ``months`` empty.
    """
    if group_by not in REACH_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(REACH_GROUPS)}")
    column = REACH_GROUPS[group_by]
    scope = Q()
    for name, ids in (
        ("hamlet", hamlet_ids),
        ("commune", commune_ids),
        ("province", province_ids),
    ):
        if ids is not None:
            ids = list(ids)
            if not ids:
                return {}
            scope &= Q(**{f"{name}__in": ids})
    totals = list(
        HamletFigures.objects.filter(scope)
        .values(column)
        .annotate(**_sums(figures.HAMLET_FIELDS))
        .order_by(column)
    )
    if not detail:
        return {
            row[column]: TeamReach(
                key=row[column], **{name: row[name] for name in figures.HAMLET_FIELDS}
            )
            for row in totals
        }
    per_skill: dict = {}
    for row in (
        HamletSkillFigures.objects.filter(scope)
        .values(column, "skill")
        .annotate(**_sums(figures.SKILL_FIELDS))
        .order_by()
    ):
        per_skill[(row[column], row["skill"])] = row
    year = year or timezone.localdate().year
    per_month: dict = {}
    for row in (
        HamletMonthFigures.objects.filter(
            scope,
            month__gte=datetime.date(year, 1, 1),
            month__lt=datetime.date(year + 1, 1, 1),
        )
        .values(column, "month")
        .annotate(**_sums(figures.MONTH_FIELDS))
        .order_by()
    ):
        per_month[(row[column], row["month"])] = row
    counted = {skill_id for _key, skill_id in per_skill}
    skills = [s for s in Skill.objects.all() if s.active or s.pk in counted]
    months = [datetime.date(year, number, 1) for number in range(1, 13)]
    reach = {}
    for row in totals:
        key = row[column]
        reach[key] = TeamReach(
            key=key,
            **{name: row[name] for name in figures.HAMLET_FIELDS},
            skills=tuple(
                SkillReach(
                    skill_id=skill.pk,
                    code=skill.code,
                    name=skill.name,
                    **{
                        name: per_skill.get((key, skill.pk), {}).get(name, 0)
                        for name in figures.SKILL_FIELDS
                    },
                )
                for skill in skills
            ),
            months=tuple(
                MonthReach(
                    month=month,
                    **{
                        name: per_month.get((key, month), {}).get(name, 0)
                        for name in figures.MONTH_FIELDS
                    },
                )
                for month in months
            ),
        )
    return reach


@dataclass(frozen=True)
class CommuneFigures:
    commune: object
    households: int
    reached: int
    visits: int

    @property
    def reached_percent(self) -> int:
        return _percent(self.reached, self.households)


def province_figures(user) -> list[CommuneFigures]:
    """Households reached and visits per commune of the provinces ``user`` covers.

    Counts only, never a name: what a province official sees of the teams' work.
    Two queries whatever the number of communes, summing the summary tables.
    """
    provinces = sorted(user_reach(user).province_ids)
    communes = list(
        Commune.objects.filter(province__in=provinces).order_by("name", "code")
    )
    reach = reach_figures(province_ids=provinces, group_by="commune", detail=False)
    figures_of = [
        reach.get(commune.pk, TeamReach(key=commune.pk)) for commune in communes
    ]
    return [
        CommuneFigures(
            commune=commune,
            households=row.households,
            reached=row.households_reached,
            visits=row.visits,
        )
        for commune, row in zip(communes, figures_of, strict=True)
    ]
