"""Keeping the coverage summary tables right.

Each ``*_refresh`` recounts the summary rows of a few agencies or communes from
the raw rows and replaces them, in one transaction: a refresh is always a
recount, so running it twice, late or out of order leaves the same figures. The
changes that move the figures queue :func:`coverage.tasks.figures_refresh` for
what they touched (:func:`figures_touch`), inside their own transaction, so a
worker brings the dashboards up to date seconds later and a page view never
counts raw rows.

Civil servants' figures, per agency and year: the active staff, those with at
least one course assigned that year, those who finished every course assigned
that year (on the platform or, by an imported record, elsewhere), and those past
a deadline with the course not finished. Residents' online figures, per commune:
people living there who finished a course, courses finished and certificates not
revoked, by month too.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrollment
from coverage.models import (
    Agency,
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
    CourseAssignment,
    ExternalCompletion,
    StaffMember,
)
from lms.models import Commune

BATCH = 200


@dataclass
class Touched:
    """What a change moved: agencies (by id) and communes (by code)."""

    agency_ids: set[int] = field(default_factory=set)
    commune_ids: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.agency_ids or self.commune_ids)


def figures_touch(*, agency_ids=(), commune_ids=()) -> None:
    """Queue a refresh of these agencies' and communes' figures.

    Call it inside the transaction of the change: the database task backend
    stores the task with it, so the refresh exists exactly when the change does.
    """
    agency_ids = sorted({int(pk) for pk in agency_ids if pk})
    commune_ids = sorted({str(code) for code in commune_ids if code})
    if not agency_ids and not commune_ids:
        return
    from coverage.tasks import figures_refresh

    figures_refresh.enqueue(agency_ids=agency_ids, commune_ids=commune_ids)


def touched_by_users(user_ids) -> Touched:
    """The agencies these people work in and the communes they live in."""
    touched = Touched()
    user_ids = list(user_ids)
    touched.agency_ids.update(
        StaffMember.objects.filter(user__in=user_ids).values_list(
            "agency_id", flat=True
        )
    )
    touched.commune_ids.update(
        Commune.objects.filter(residents__in=user_ids).values_list("pk", flat=True)
    )
    return touched


def agencies_under_assignment(assignment: CourseAssignment) -> list[int]:
    """The agencies whose staff an assignment applies to."""
    if assignment.agency_id is None:
        agencies = Agency.objects.filter(province=assignment.province_id)
    else:
        agencies = Agency.objects.filter(path__startswith=assignment.agency.path)
    return list(agencies.values_list("pk", flat=True))


# Civil servants -------------------------------------------------------------------


def _applies(assignment: CourseAssignment, agency: Agency, category: str) -> bool:
    return (
        assignment.province_id == agency.province_id
        and (
            assignment.agency_id is None
            or agency.path.startswith(assignment.agency.path)
        )
        and (not assignment.category or assignment.category == category)
    )


def agency_figures_count(agency_ids) -> tuple[list, list]:
    """Recount the figures of these agencies from the raw rows (read only).

    Returns unsaved ``AgencyFigures`` and ``AgencyMonthFigures`` rows, one per
    agency and year (month) that has anything to count.
    """
    agencies = list(Agency.objects.filter(pk__in=list(agency_ids)))
    if not agencies:
        return [], []
    provinces = {agency.province_id for agency in agencies}
    assignments = list(
        CourseAssignment.objects.filter(province__in=provinces).select_related("agency")
    )
    staff = list(
        StaffMember.objects.filter(agency__in=agencies, active=True).values_list(
            "pk", "agency_id", "category", "user_id"
        )
    )
    user_ids = [user_id for *_rest, user_id in staff if user_id]
    courses = {assignment.course_id for assignment in assignments}
    finished: dict[tuple[int, int], datetime.date] = {}
    for user_id, course_id, completed_at in Enrollment.objects.filter(
        user__in=user_ids, course__in=courses, completed_at__isnull=False
    ).values_list("user_id", "course_id", "completed_at"):
        finished[(user_id, course_id)] = timezone.localdate(completed_at)
    for user_id, course_id, completed_on in ExternalCompletion.objects.filter(
        user__in=user_ids, course__in=courses
    ).values_list("user_id", "course_id", "completed_on"):
        known = finished.get((user_id, course_id))
        finished[(user_id, course_id)] = min(known or completed_on, completed_on)

    today = timezone.localdate()
    by_id = {agency.pk: agency for agency in agencies}
    rows: dict[tuple[int, int], AgencyFigures] = {}
    months: dict[tuple[int, datetime.date], AgencyMonthFigures] = {}

    def figures(agency: Agency, year: int) -> AgencyFigures:
        key = (agency.pk, year)
        if key not in rows:
            rows[key] = AgencyFigures(
                agency=agency,
                year=year,
                path=agency.path,
                province_id=agency.province_id,
                commune_id=agency.commune_id,
            )
        return rows[key]

    # Every year with an assignment counts the whole staff, so that "trained" is
    # a share of all civil servants, as the province's plan measures it.
    years = {today.year} | {assignment.year for assignment in assignments}
    for _pk, agency_id, category, user_id in staff:
        agency = by_id[agency_id]
        for year in years:
            figures(agency, year).staff += 1
        by_year = defaultdict(list)
        for assignment in assignments:
            if _applies(assignment, agency, category):
                by_year[assignment.year].append(assignment)
        counted_courses = set()
        for year, due in by_year.items():
            row = figures(agency, year)
            row.assigned += 1
            done = [finished.get((user_id, a.course_id)) for a in due]
            if all(done):
                row.finished += 1
            elif any(
                a.deadline < today and not d for a, d in zip(due, done, strict=True)
            ):
                row.overdue += 1
            for assignment, day in zip(due, done, strict=True):
                if day and assignment.course_id not in counted_courses:
                    counted_courses.add(assignment.course_id)
                    month = day.replace(day=1)
                    key = (agency.pk, month)
                    if key not in months:
                        months[key] = AgencyMonthFigures(
                            agency=agency,
                            month=month,
                            path=agency.path,
                            province_id=agency.province_id,
                            commune_id=agency.commune_id,
                        )
                    months[key].finished_courses += 1
    return list(rows.values()), list(months.values())


def agency_figures_refresh(agency_ids) -> None:
    """Replace the stored figures of these agencies by a recount."""
    agency_ids = sorted(set(agency_ids))
    for start in range(0, len(agency_ids), BATCH):
        batch = agency_ids[start : start + BATCH]
        with transaction.atomic():
            # Lock the agencies so two refreshes of one agency do not interleave.
            list(Agency.objects.select_for_update().filter(pk__in=batch).values("pk"))
            rows, months = agency_figures_count(batch)
            AgencyFigures.objects.filter(agency__in=batch).delete()
            AgencyMonthFigures.objects.filter(agency__in=batch).delete()
            AgencyFigures.objects.bulk_create(rows)
            AgencyMonthFigures.objects.bulk_create(months)


# Residents online -----------------------------------------------------------------


def _certificates_of(commune_ids):
    return Certificate.objects.filter(revoked_at__isnull=True).filter(
        Q(user__commune__in=commune_ids)
        | Q(user__isnull=True, resident__household__hamlet__commune__in=commune_ids)
    )


def commune_figures_count(commune_ids) -> tuple[list, list]:
    """Recount the online figures of these communes (read only, unsaved rows)."""
    communes = {c.pk: c for c in Commune.objects.filter(pk__in=list(commune_ids))}
    if not communes:
        return [], []
    codes = list(communes)
    rows = {
        code: CommuneFigures(commune_id=code, province_id=commune.province_id)
        for code, commune in communes.items()
    }
    finished = Enrollment.objects.filter(
        completed_at__isnull=False, user__commune__in=codes
    )
    for row in finished.values("user__commune").annotate(
        learners=Count("user", distinct=True), courses=Count("pk")
    ):
        figures = rows[row["user__commune"]]
        figures.learners_finished = row["learners"]
        figures.courses_finished = row["courses"]
    certificates = _certificates_of(codes)
    per_commune = defaultdict(int)
    for user_commune, resident_commune, count in (
        certificates.values("user__commune", "resident__household__hamlet__commune")
        .annotate(count=Count("pk"))
        .values_list("user__commune", "resident__household__hamlet__commune", "count")
    ):
        per_commune[user_commune or resident_commune] += count
    for code, count in per_commune.items():
        if code in rows:
            rows[code].certificates = count

    months: dict[tuple[str, datetime.date], CommuneMonthFigures] = {}

    def month_row(code: str, month) -> CommuneMonthFigures:
        month = month.date() if isinstance(month, datetime.datetime) else month
        key = (code, month)
        if key not in months:
            months[key] = CommuneMonthFigures(
                commune_id=code,
                province_id=communes[code].province_id,
                month=month,
            )
        return months[key]

    for code, month, count in (
        finished.annotate(month=TruncMonth("completed_at"))
        .values("user__commune", "month")
        .annotate(count=Count("pk"))
        .values_list("user__commune", "month", "count")
    ):
        month_row(code, month).courses_finished = count
    for user_commune, resident_commune, month, count in (
        certificates.annotate(month=TruncMonth("issued_at"))
        .values("user__commune", "resident__household__hamlet__commune", "month")
        .annotate(count=Count("pk"))
        .values_list(
            "user__commune",
            "resident__household__hamlet__commune",
            "month",
            "count",
        )
    ):
        code = user_commune or resident_commune
        if code in communes:
            month_row(code, month).certificates += count
    counted = [
        row
        for row in rows.values()
        if row.learners_finished or row.courses_finished or row.certificates
    ]
    return counted, list(months.values())


def commune_figures_refresh(commune_ids) -> None:
    """Replace the stored online figures of these communes by a recount."""
    codes = sorted(set(commune_ids))
    for start in range(0, len(codes), BATCH):
        batch = codes[start : start + BATCH]
        with transaction.atomic():
            list(Commune.objects.select_for_update().filter(pk__in=batch).values("pk"))
            rows, months = commune_figures_count(batch)
            CommuneFigures.objects.filter(commune__in=batch).delete()
            CommuneMonthFigures.objects.filter(commune__in=batch).delete()
            CommuneFigures.objects.bulk_create(rows)
            CommuneMonthFigures.objects.bulk_create(months)


def figures_rebuild(*, progress=None) -> None:
    """Recount every agency's and commune's figures (after a bulk load)."""
    agency_ids = list(Agency.objects.values_list("pk", flat=True))
    for start in range(0, len(agency_ids), BATCH):
        agency_figures_refresh(agency_ids[start : start + BATCH])
        if progress:
            progress("agencies", min(start + BATCH, len(agency_ids)), len(agency_ids))
    codes = list(Commune.objects.values_list("pk", flat=True))
    for start in range(0, len(codes), BATCH):
        commune_figures_refresh(codes[start : start + BATCH])
        if progress:
            progress("communes", min(start + BATCH, len(codes)), len(codes))
