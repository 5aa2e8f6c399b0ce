"""Who sees which coverage, keeps which agencies, and sees civil servants by name.

Province officials keep the agencies of their province, their staff rosters,
assignments and targets, and see every figure of the province. Commune officials
see the same figures limited to their commune: its agencies and its hamlets.
Figures are counts; a list of named people opens only inside the viewer's scope,
and each opening is audited (``coverage.selectors``).
"""

from django.db.models import Q

from coverage.models import Agency, CourseAssignment, StaffMember
from lms.models import Commune, Hamlet, Province
from lms.permissions import user_reach


def sees_coverage(user) -> bool:
    """May ``user`` open the coverage dashboards at all?"""
    reach = user_reach(user)
    return reach.everything or bool(reach.province_ids or reach.commune_ids)


def keeps_agencies(user) -> bool:
    """May ``user`` keep agencies, rosters, assignments and targets somewhere?"""
    reach = user_reach(user)
    return reach.everything or bool(reach.province_ids)


def provinces_visible_to(user):
    reach = user_reach(user)
    if reach.everything:
        return Province.objects.all()
    return Province.objects.filter(
        Q(pk__in=reach.province_ids) | Q(communes__in=reach.commune_ids)
    ).distinct()


def provinces_kept_by(user):
    reach = user_reach(user)
    if reach.everything:
        return Province.objects.all()
    return Province.objects.filter(pk__in=reach.province_ids)


def communes_visible_to(user):
    reach = user_reach(user)
    if reach.everything:
        return Commune.objects.all()
    return Commune.objects.filter(
        Q(province__in=reach.province_ids) | Q(pk__in=reach.commune_ids)
    )


def hamlets_counted_for(user):
    """Hamlets whose figures (never their people) ``user`` sees."""
    return Hamlet.objects.filter(commune__in=communes_visible_to(user))


def agencies_visible_to(user):
    """Agencies whose figures and staff ``user`` sees: a province's, or a commune's
    (with every sub-unit under them, which shares their commune)."""
    reach = user_reach(user)
    if reach.everything:
        return Agency.objects.all()
    return Agency.objects.filter(
        Q(province__in=reach.province_ids) | Q(commune__in=reach.commune_ids)
    )


def agencies_kept_by(user):
    """Agencies ``user`` may add, change, move or import staff into."""
    return Agency.objects.filter(province__in=provinces_kept_by(user))


def may_keep_agency(user, agency: Agency) -> bool:
    reach = user_reach(user)
    return reach.everything or agency.province_id in reach.province_ids


def staff_visible_to(user):
    """Staff members ``user`` may see by name."""
    return StaffMember.objects.filter(agency__in=agencies_visible_to(user))


def assignments_kept_by(user):
    return CourseAssignment.objects.filter(province__in=provinces_kept_by(user))
