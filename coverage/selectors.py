"""What the coverage dashboards show: sums of the summary tables, level by level.

Every figure is a sum over :mod:`coverage.models.figures` (and the teams' hamlet
figures), grouped in the database, so a dashboard page costs the same few
queries for a commune of ten agencies as for a province of two thousand.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from community_teams.selectors import TeamReach, reach_figures
from courses.models import Enrollment
from coverage import permissions
from coverage.models import (
    Agency,
    AgencyFigures,
    AgencyMonthFigures,
    CourseAssignment,
    ExternalCompletion,
    StaffMember,
    Target,
)
from coverage.models.agencies import PATH_STEP
from coverage.models.figures import CommuneFigures, CommuneMonthFigures
from lms.models import Commune, Hamlet

STEP = PATH_STEP + 1


@dataclass
class StaffFigures:
    """Civil servants of a part of the tree against one year's assignments."""

    staff: int = 0
    assigned: int = 0
    finished: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.finished / self.staff, 1) if self.staff else 0.0

    def add(self, other: "StaffFigures") -> None:
        self.staff += other.staff
        self.assigned += other.assigned
        self.finished += other.finished
        self.overdue += other.overdue


@dataclass
class AgencyRow:
    agency: Agency
    figures: StaffFigures


@dataclass
class AgencyLevel:
    """One level of the agencies' tree: the part shown, its rows, its trend."""

    year: int
    agency: Agency | None
    total: StaffFigures
    rows: list[AgencyRow]
    own: StaffFigures | None
    trend: list[tuple[datetime.date, int]]
    target: int | None
    ancestors: list[Agency] = field(default_factory=list)


_SUMS = {
    "staff": Sum("staff"),
    "assigned": Sum("assigned"),
    "finished": Sum("finished"),
    "overdue": Sum("overdue"),
}


def _staff_figures(row: dict) -> StaffFigures:
    return StaffFigures(**{name: row.get(name) or 0 for name in _SUMS})


def year_choices() -> list[int]:
    """The years a dashboard may show: from 2024 to next year."""
    return list(range(2024, timezone.localdate().year + 2))


def target_for(*, province_id: str, indicator: str, year: int) -> int | None:
    target = Target.objects.filter(
        province=province_id, indicator=indicator, year=year
    ).first()
    return target.percent if target else None


def _roots(user):
    """The highest agencies ``user`` sees: a province's top agencies, or for a
    commune official the agencies of their commune whose parent is outside it."""
    visible = permissions.agencies_visible_to(user)
    return visible.exclude(parent__in=visible).order_by("name")


def agency_level(user, *, year: int, agency: Agency | None = None) -> AgencyLevel:
    """The figures of ``agency``'s sub-units (or of the top agencies ``user``
    sees) for ``year``. ``agency`` must be one ``user`` sees (the view checks)."""
    if agency is None:
        children = list(_roots(user).select_related("commune"))
        prefixes = [child.path for child in children]
        figures_in = AgencyFigures.objects.filter(year=year).filter(
            _under_any(prefixes)
        )
    else:
        children = list(agency.children.select_related("commune").order_by("name"))
        figures_in = AgencyFigures.objects.filter(
            year=year, path__startswith=agency.path
        )
    per_prefix = {}
    depths = {len(child.path) for child in children}
    if len(depths) <= 1:
        # Every row at this level is as deep as the next: group by that prefix.
        # An agency without sub-units has only its own rows, as deep as it is.
        if depths:
            width = depths.pop()
        else:
            width = len(agency.path) if agency is not None else STEP
        for row in (
            figures_in.annotate(prefix=Substr("path", 1, width))
            .values("prefix")
            .annotate(**_SUMS)
        ):
            per_prefix[row["prefix"]] = _staff_figures(row)
    else:
        # A commune's top agencies sit at different depths of the province's
        # tree: a few rows, added up here.
        for row in figures_in.values("path", *_SUMS):
            for child in children:
                if row["path"].startswith(child.path):
                    per_prefix.setdefault(child.path, StaffFigures()).add(
                        _staff_figures(row)
                    )
    rows = [
        AgencyRow(agency=child, figures=per_prefix.get(child.path, StaffFigures()))
        for child in children
    ]
    total = StaffFigures()
    for row in rows:
        total.add(row.figures)
    own = None
    if agency is not None:
        own = per_prefix.get(agency.path, StaffFigures())
        total.add(own)
    trend = _agency_trend(figures_prefixes(agency, children), year)
    province_id = agency.province_id if agency else _province_of(user, children)
    return AgencyLevel(
        year=year,
        agency=agency,
        total=total,
        rows=rows,
        own=own if own and own.staff else None,
        trend=trend,
        target=(
            target_for(
                province_id=province_id,
                indicator="civil_servants_trained",
                year=year,
            )
            if province_id
            else None
        ),
        ancestors=agency_ancestors(agency) if agency else [],
    )


def figures_prefixes(agency, children) -> list[str]:
    return [agency.path] if agency is not None else [c.path for c in children]


def _under_any(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(path__startswith=prefix)
    return condition


def _agency_trend(prefixes: list[str], year: int) -> list[tuple[datetime.date, int]]:
    if not prefixes:
        return []
    per_month = dict(
        AgencyMonthFigures.objects.filter(
            month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, 12, 1)
        )
        .filter(_under_any(prefixes))
        .values("month")
        .annotate(total=Sum("finished_courses"))
        .values_list("month", "total")
    )
    return [
        (datetime.date(year, month, 1), per_month.get(datetime.date(year, month, 1), 0))
        for month in range(1, 13)
    ]


def _province_of(user, children) -> str | None:
    if children:
        return children[0].province_id
    province = permissions.provinces_visible_to(user).first()
    return province.pk if province else None


def agency_ancestors(agency: Agency) -> list[Agency]:
    """The agencies above ``agency``, from the top (one query)."""
    ids = [int(step) for step in agency.path.split("/") if step][:-1]
    found = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def agency_visible(user, agency_id: int) -> Agency | None:
    return (
        permissions.agencies_visible_to(user)
        .select_related("province", "commune")
        .filter(pk=agency_id)
        .first()
    )


# Named people: audited by the view ----------------------------------------------


@dataclass
class StaffStatus:
    staff: StaffMember
    due: list[CourseAssignment]
    finished: set[int]
    overdue: bool

    @property
    def done(self) -> bool:
        return bool(self.due) and all(a.course_id in self.finished for a in self.due)


class Status:
    OVERDUE = "overdue"
    FINISHED = "finished"
    UNFINISHED = "unfinished"
    choices = (OVERDUE, FINISHED, UNFINISHED)


def staff_statuses(
    *, agency: Agency, members: list[StaffMember], year: int | None = None
) -> list[StaffStatus]:
    """Each member's assignments of ``year`` (or of this year on, when ``None``)
    and which of them they finished."""
    assignments = CourseAssignment.objects.filter(province=agency.province_id)
    if year is None:
        assignments = assignments.filter(deadline__year__gte=timezone.localdate().year)
    else:
        assignments = assignments.filter(deadline__year=year)
    assignments = list(
        assignments.select_related("agency", "course").order_by("deadline")
    )
    user_ids = [m.user_id for m in members if m.user_id]
    courses = {a.course_id for a in assignments}
    done = set(
        Enrollment.objects.filter(
            user__in=user_ids, course__in=courses, completed_at__isnull=False
        ).values_list("user_id", "course_id")
    ) | set(
        ExternalCompletion.objects.filter(
            user__in=user_ids, course__in=courses
        ).values_list("user_id", "course_id")
    )
    today = timezone.localdate()
    statuses = []
    for member in members:
        due = [
            a
            for a in assignments
            if (a.agency_id is None or member.agency.path.startswith(a.agency.path))
            and (not a.category or a.category == member.category)
        ]
        finished = {a.course_id for a in due if (member.user_id, a.course_id) in done}
        statuses.append(
            StaffStatus(
                staff=member,
                due=due,
                finished=finished,
                overdue=any(
                    a.deadline < today and a.course_id not in finished for a in due
                ),
            )
        )
    return statuses


def staff_filter_by_status(members, *, agency: Agency, year: int, status: str):
    """``members`` narrowed to those overdue, finished or not finished in ``year``.

    A province has a few dozen assignments a year: each becomes a condition on
    the staff row (where they work, their category) and, per course, whether the
    person finished it, so the database filters and pages the list itself.
    """
    assignments = list(
        CourseAssignment.objects.filter(
            province=agency.province_id, deadline__year=year
        ).select_related("agency")
    )
    done = {}
    for course_id in {a.course_id for a in assignments}:
        done[course_id] = Exists(
            Enrollment.objects.filter(
                user=OuterRef("user"), course=course_id, completed_at__isnull=False
            )
        ) | Exists(
            ExternalCompletion.objects.filter(user=OuterRef("user"), course=course_id)
        )
    today = timezone.localdate()
    has_any = Q(pk__in=[])
    all_done = Q()
    overdue = Q(pk__in=[])
    for assignment in assignments:
        # Not an empty Q(): OR-ed with an empty Q() Django keeps only the other side.
        applies = Q(pk__isnull=False)
        if assignment.agency_id is not None:
            applies &= Q(agency__path__startswith=assignment.agency.path)
        if assignment.category:
            applies &= Q(category=assignment.category)
        finished = Q(user__isnull=False) & done[assignment.course_id]
        has_any |= applies
        all_done &= ~applies | finished
        if assignment.deadline < today:
            overdue |= applies & ~finished
    if status == Status.FINISHED:
        return members.filter(has_any & all_done)
    if status == Status.OVERDUE:
        return members.filter(overdue)
    return members.filter(has_any & ~(has_any & all_done))


def staff_of_subtree(agency: Agency):
    """The active staff of ``agency`` and its sub-units, by name."""
    return (
        StaffMember.objects.filter(agency__path__startswith=agency.path, active=True)
        .select_related("agency")
        .order_by("search_key", "pk")
    )


# A civil servant's own assignments ------------------------------------------------


@dataclass
class MyAssignment:
    assignment: CourseAssignment
    finished: bool

    @property
    def days_left(self) -> int:
        return (self.assignment.deadline - timezone.localdate()).days


def my_assignments(*, user) -> list[MyAssignment]:
    """The courses ``user``'s agency gives them, soonest deadline first."""
    if not user.is_authenticated:
        return []
    member = (
        StaffMember.objects.filter(user=user, active=True)
        .select_related("agency")
        .first()
    )
    if member is None:
        return []
    statuses = staff_statuses(agency=member.agency, members=[member])
    status = statuses[0]
    return sorted(
        (
            MyAssignment(assignment=a, finished=a.course_id in status.finished)
            for a in status.due
        ),
        key=lambda row: (row.finished, row.assignment.deadline),
    )


# The places' tree: province → commune → hamlet -----------------------------------


@dataclass
class OnlineFigures:
    """What residents did online: people and courses finished, certificates."""

    learners_finished: int = 0
    courses_finished: int = 0
    certificates: int = 0


@dataclass
class PlaceRow:
    key: str | int
    name: str
    reach: TeamReach
    online: OnlineFigures | None


@dataclass
class PlaceLevel:
    """One level of the places' tree with its rows, skills and months."""

    year: int
    commune: Commune | None
    hamlet: Hamlet | None
    total: TeamReach
    online: OnlineFigures | None
    rows: list[PlaceRow]
    online_months: list[tuple[datetime.date, int]]
    targets: dict[str, int]


def _online_of(rows) -> OnlineFigures:
    total = OnlineFigures()
    for row in rows:
        total.learners_finished += row["learners_finished"] or 0
        total.courses_finished += row["courses_finished"] or 0
        total.certificates += row["certificates"] or 0
    return total


_ONLINE = ("learners_finished", "courses_finished", "certificates")


def _targets(province_id: str | None, year: int) -> dict[str, int]:
    if not province_id:
        return {}
    return dict(
        Target.objects.filter(province=province_id, year=year).values_list(
            "indicator", "percent"
        )
    )


def place_level(
    user, *, year: int, commune: Commune | None = None, hamlet: Hamlet | None = None
) -> PlaceLevel:
    """The communes ``user`` sees (or the hamlets of ``commune``, or one
    ``hamlet``) with the teams' reach and residents' online figures for ``year``.

    ``commune`` and ``hamlet`` must be ones ``user`` sees (the view checks).
    """
    communes = permissions.communes_visible_to(user)
    if hamlet is not None:
        places = []
        scope = {"hamlet_ids": [hamlet.pk]}
        group = "hamlet"
        key = hamlet.pk
    elif commune is not None:
        places = list(
            Hamlet.objects.filter(commune=commune)
            .order_by("name", "pk")
            .values_list("pk", "name")
        )
        scope = {"commune_ids": [commune.pk]}
        group = "commune"
        key = commune.pk
    else:
        places = [(c.pk, c.full_name) for c in communes.order_by("name", "code")]
        scope = {"commune_ids": [pk for pk, _name in places]}
        group = None
        key = None
    rows_reach = {}
    if places:
        rows_reach = reach_figures(
            **scope,
            group_by="hamlet" if commune is not None else "commune",
            year=year,
            detail=False,
        )
    if group is None:
        # The whole of what the viewer sees, with its skills and months.
        totals = reach_figures(**scope, group_by="province", year=year)
        total = _merge_reach(list(totals.values()))
    else:
        total = reach_figures(**scope, group_by=group, year=year).get(
            key, TeamReach(key=key)
        )
    online_rows, online_total, online_months = _online(
        commune_codes=(
            [commune.pk] if commune is not None else scope.get("commune_ids", [])
        ),
        per_commune=commune is None and hamlet is None,
        year=year,
    )
    rows = [
        PlaceRow(
            key=pk,
            name=name,
            reach=rows_reach.get(pk, TeamReach(key=pk)),
            online=online_rows.get(pk),
        )
        for pk, name in places
    ]
    province_id = (
        (hamlet.commune.province_id if hamlet else None)
        or (commune.province_id if commune else None)
        or (communes.values_list("province", flat=True).first())
    )
    return PlaceLevel(
        year=year,
        commune=commune or (hamlet.commune if hamlet else None),
        hamlet=hamlet,
        total=total,
        online=None if hamlet is not None else online_total,
        rows=rows,
        online_months=online_months,
        targets=_targets(province_id, year),
    )


def _merge_reach(parts: list[TeamReach]) -> TeamReach:
    """Several provinces' reach as one (a superuser sees them all)."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return TeamReach(key="")
    counts = {
        name: sum(getattr(part, name) for part in parts)
        for name in (
            "households",
            "households_reached",
            "residents",
            "residents_guided",
            "visits",
        )
    }
    return TeamReach(key="", **counts)


def _online(*, commune_codes, per_commune: bool, year: int):
    figures = CommuneFigures.objects.filter(commune__in=commune_codes)
    rows = {}
    if per_commune:
        rows = {
            row["commune"]: _online_of([row])
            for row in figures.values("commune", *_ONLINE)
        }
        total = _online_of(
            [
                {name: getattr(online, name) for name in _ONLINE}
                for online in rows.values()
            ]
        )
    else:
        total = _online_of(figures.values(*_ONLINE))
    per_month = dict(
        CommuneMonthFigures.objects.filter(
            commune__in=commune_codes,
            month__gte=datetime.date(year, 1, 1),
            month__lte=datetime.date(year, 12, 1),
        )
        .values("month")
        .annotate(total=Sum("courses_finished"))
        .values_list("month", "total")
    )
    months = [
        (
            datetime.date(year, number, 1),
            per_month.get(datetime.date(year, number, 1), 0),
        )
        for number in range(1, 13)
    ]
    return rows, total, months


def hamlet_rows(user, *, year: int) -> list[tuple[str, str, TeamReach]]:
    """Every hamlet of the communes ``user`` sees, with its commune's name and
    the teams' reach (two queries)."""
    hamlets = list(
        Hamlet.objects.filter(commune__in=permissions.communes_visible_to(user))
        .select_related("commune")
        .order_by("commune__name", "commune__code", "name", "pk")
    )
    reach = (
        reach_figures(
            hamlet_ids=[hamlet.pk for hamlet in hamlets],
            group_by="hamlet",
            year=year,
            detail=False,
        )
        if hamlets
        else {}
    )
    return [
        (
            hamlet.commune.full_name,
            hamlet.name,
            reach.get(hamlet.pk, TeamReach(key=hamlet.pk)),
        )
        for hamlet in hamlets
    ]


def commune_visible(user, code: str) -> Commune | None:
    return (
        permissions.communes_visible_to(user)
        .select_related("province")
        .filter(pk=code)
        .first()
    )


def hamlet_visible(user, commune: Commune, hamlet_id: int) -> Hamlet | None:
    return Hamlet.objects.filter(commune=commune, pk=hamlet_id).first()
