"""Who may issue, revoke and see certificates, and for whom.

An issuer's *people* are the persons whose certificates they may issue and see:

- a commune official: people whose commune of residence is theirs;
- a province official: people living in a commune of their province;
- a superuser: everyone;
- a team leader: the residents their team trained in person. Training records
  belong to the community teams app, which adds them with
  :func:`register_people_scope`; until it does, a team leader's people are nobody.

Officials revoke; team leaders only issue.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from certificates.models import BulkIssue, Certificate
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
    if not can_issue(user):
        return Certificate.objects.none()
    if user_reach(user).everything:
        return Certificate.objects.all()
    return Certificate.objects.filter(user__in=people_visible_to(user))


def can_revoke_certificate(user, certificate: Certificate) -> bool:
    return (
        can_revoke(user)
        and certificates_visible_to(user).filter(pk=certificate.pk).exists()
    )


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
