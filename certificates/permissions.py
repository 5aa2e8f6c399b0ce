"""Who may issue, revoke and see certificates, and for whom.

An issuer's *people* are the persons whose certificates they may issue and see:

- a commune official: people whose commune of residence is theirs;
- a province official: people living in a commune of their province;
- a superuser: everyone;
- a team leader: the residents of the hamlets their team serves, certified from
  the household's page (:func:`residents_certifiable_by`), with or without an
  account; apps may add more with :func:`register_people_scope`.

Officials revoke; team leaders only issue.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from certificates.models import BulkIssue, Certificate
from community_teams.models import Resident
from community_teams.permissions import households_managed_by
from lms.models import User
from lms.models.users import Role
from lms.permissions import has_role, scope_filter, user_reach

ISSUER_ROLES = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.TEAM_LEADER)
REVOKER_ROLES = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)

# Given the issuer, returns a Q on User selecting more people they may certify.
PeopleScope = Callable[[User], Q]
_people_scopes: list[PeopleScope] = []


def register_people_scope(func: PeopleScope) -> PeopleScope:
    """Add people an issuer may certify, e.g. residents a team trained.

    ``func(issuer)`` returns a ``Q`` on :class:`~lms.models.User`; it is OR-ed with
    the commune and province scope. Usable as a decorator; registering twice is
    harmless. A team leader's scope, for example::

        @register_people_scope
        def residents_trained_by_my_teams(issuer):
            teams = user_reach(issuer).team_ids  # led teams only, in practice
            return Q(pk__in=Training.objects.filter(team__in=teams).values("user"))
    """
    if func not in _people_scopes:
        _people_scopes.append(func)
    return func


def can_issue(user) -> bool:
    return bool(user and user.is_authenticated) and (
        user.is_superuser or has_role(user, *ISSUER_ROLES)
    )


def can_revoke(user) -> bool:
    return bool(user and user.is_authenticated) and (
        user.is_superuser or has_role(user, *REVOKER_ROLES)
    )


def people_visible_to(user) -> QuerySet[User]:
    """The people ``user`` may issue certificates to and see certificates of."""
    if not can_issue(user):
        return User.objects.none()
    if user_reach(user).everything:
        return User.objects.all()
    condition = scope_filter(user, commune="commune", province="commune__province")
    for func in _people_scopes:
        condition |= func(user)
    return User.objects.filter(condition)


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Certificates of ``user``'s people (see :func:`people_visible_to`)."""
    if not can_issue(user):
        return Certificate.objects.none()
    if user_reach(user).everything:
        return Certificate.objects.all()
    # Filtering the holder's own row (not "holder in a subquery") lets the database
    # walk a province's people in name order and stop at a page.
    condition = scope_filter(
        user, commune="user__commune", province="user__commune__province"
    )
    parts = []
    extra = [func(user) for func in _people_scopes]
    if extra:
        parts.append(Q(user__in=User.objects.filter(reduce(or_, extra))))
    reach = user_reach(user)
    if reach.team_ids or reach.commune_ids:
        # Residents a team trained in person, account or not. Province officials
        # never see residents by name, and their list keeps its index walk.
        residents = Resident.objects.filter(household__in=households_managed_by(user))
        parts.append(Q(resident__in=residents))
    if not parts:
        return Certificate.objects.filter(condition)
    # One condition OR-ed across the holder and the household would make the
    # database read every certificate of the province to keep a commune's (240 ms
    # for a page with 165,000 certificates, 600,000 people): each part finds its
    # own few by its index, and the page sorts only those (a few ms).
    ids = Certificate.objects.filter(condition).values("pk")
    for part in parts:
        ids = ids.union(Certificate.objects.filter(part).values("pk"))
    return Certificate.objects.filter(pk__in=ids)


def may_certify_household(user, household) -> bool:
    """May ``user`` issue certificates to ``household``'s residents?

    The leaders of the team serving its hamlet and the commune's officials (see
    :func:`community_teams.permissions.households_managed_by`).
    """
    if not user.is_authenticated:
        return False
    return households_managed_by(user).filter(pk=household.pk).exists()


def residents_certifiable_by(user) -> QuerySet[Resident]:
    """Residents ``user`` may issue certificates to: of the households they lead."""
    if not user.is_authenticated:
        return Resident.objects.none()
    return Resident.objects.filter(
        household__in=households_managed_by(user), erased_at=None
    ).exclude(full_name="")


def can_download(user, certificate: Certificate) -> bool:
    """The holder, or an issuer whose people include the holder."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk:
        return True
    return certificates_visible_to(user).filter(pk=certificate.pk).exists()


def bulk_issues_visible_to(user) -> QuerySet[BulkIssue]:
    """Bulk issues are seen by the person who started them (and superusers)."""
    if not can_issue(user):
        return BulkIssue.objects.none()
    if user.is_superuser:
        return BulkIssue.objects.all()
    return BulkIssue.objects.filter(created_by=user)
