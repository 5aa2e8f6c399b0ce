"""Who may see what: the one place that answers it.

Scoped objects say where they belong by implementing ``scope()`` returning a
:class:`Scope`; a person's role assignments say where they may look. Querysets of
personal data filter with :func:`scope_filter` so lists and details agree.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from lms.models import (
    AuditEvent,
    Commune,
    Hamlet,
    Province,
    RoleAssignment,
    RoleChange,
    User,
)
from lms.models.users import TEAM_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """Where an object lives: its province, commune and team (any may be unknown)."""

    province_id: str | None = None
    commune_id: str | None = None
    team_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class Reach:
    """Where a person may look and which roles they hold.

    Computed once per request from their role assignments (one query).
    """

    everything: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    province_ids: frozenset[str] = field(default_factory=frozenset)
    commune_ids: frozenset[str] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None

    def covers(self, scope: Scope) -> bool:
        return (
            self.everything
            or (scope.owner_id is not None and scope.owner_id == self.user_id)
            or (scope.team_id is not None and scope.team_id in self.team_ids)
            or (scope.commune_id is not None and scope.commune_id in self.commune_ids)
            or (
                scope.province_id is not None and scope.province_id in self.province_ids
            )
        )


def user_reach(user) -> Reach:
    """The places a user's roles open to them (cached on the user object)."""
    if not user or not user.is_authenticated:
        return Reach()
    cached = getattr(user, "_lms_reach", None)
    if cached is not None:
        return cached
    roles, provinces, communes, teams = set(), set(), set(), set()
    for role, team_id, commune_id, province_id in user.roles.values_list(
        "role", "team_id", "commune_id", "province_id"
    ):
        roles.add(role)
        if role == Role.PROVINCE_OFFICIAL:
            provinces.add(province_id)
        elif role == Role.COMMUNE_OFFICIAL:
            communes.add(commune_id)
        elif role in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
            teams.add(team_id)
    reach = Reach(
        everything=user.is_superuser,
        roles=frozenset(roles),
        province_ids=frozenset(provinces),
        commune_ids=frozenset(communes),
        team_ids=frozenset(teams),
        user_id=user.pk,
    )
    user._lms_reach = reach
    return reach


def reach_forget(user) -> None:
    """Drop the cached reach after ``user``'s roles changed."""
    try:
        del user._lms_reach
    except AttributeError:
        pass


def can_view(user, obj) -> bool:
    """May ``user`` see ``obj``? ``obj`` implements ``scope() -> Scope``."""
    return user_reach(user).covers(obj.scope())


def scope_filter(
    user,
    *,
    province: str | None = None,
    commune: str | None = None,
    team: str | None = None,
    owner: str | None = None,
) -> Q:
    """A ``Q`` limiting a queryset to rows the user may see.

    Each keyword names the lookup path from the queryset's model to that scope, e.g.
    ``scope_filter(user, commune="household__commune", team="household__team")``.
    A user with no reach matches nothing.
    """
    reach = user_reach(user)
    if reach.everything:
        return Q()
    condition = Q(pk__in=[])
    if owner and reach.user_id is not None:
        condition |= Q(**{owner: reach.user_id})
    if team and reach.team_ids:
        condition |= Q(**{f"{team}__in": reach.team_ids})
    if commune and reach.commune_ids:
        condition |= Q(**{f"{commune}__in": reach.commune_ids})
    if province and reach.province_ids:
        condition |= Q(**{f"{province}__in": reach.province_ids})
    return condition


def has_role(user, *roles: str) -> bool:
    return not user_reach(user).roles.isdisjoint(roles)


# Who gives whom which role, and who keeps hamlets and teams.
#
# A province official manages the roles of their province: other province
# officials, the commune officials of its communes and the team roles of its teams.
# A commune official manages the team roles of the teams of their commune. A
# superuser manages every role, and is the only one who gives roles without a place
# (content editor, resident, civil servant). Officials also keep the hamlets and
# teams of the communes they cover. The SQL form of this rule
# (:func:`role_assignments_managed_by`) and the Python form (:func:`may_manage_role`)
# are checked against each other in tests/lms/test_role_rules.py.

OFFICIAL_ROLES = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)
# Roles that open the Wagtail admin: officials, and team leaders, who keep their
# team's household list there. What each sees inside is decided here, by role.
ADMIN_ROLES = (*OFFICIAL_ROLES, Role.TEAM_LEADER)


def can_manage_roles(user) -> bool:
    """May ``user`` open the roles screens at all (a superuser or an official)?"""
    reach = user_reach(user)
    return reach.everything or bool(reach.province_ids or reach.commune_ids)


# Officials keep hamlets and teams where they may manage roles.
can_manage_places = can_manage_roles


def roles_grantable_by(user) -> list[str]:
    """The roles ``user`` may give to someone (in some place they cover)."""
    reach = user_reach(user)
    if reach.everything:
        return list(Role.values)
    allowed = set()
    if reach.province_ids:
        allowed |= {Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL}
    if reach.province_ids or reach.commune_ids:
        allowed |= TEAM_ROLES
    return [role for role in Role.values if role in allowed]


def may_manage_role(user, *, role: str, team=None, commune=None, province=None) -> bool:
    """May ``user`` grant (or withdraw) ``role`` with this scope?

    ``team``, ``commune`` and ``province`` are model instances, as for
    :func:`lms.services.role_grant`; only the one the role takes is looked at.
    """
    reach = user_reach(user)
    if reach.everything:
        return True
    if role == Role.PROVINCE_OFFICIAL:
        return province is not None and province.pk in reach.province_ids
    if role == Role.COMMUNE_OFFICIAL:
        return commune is not None and commune.province_id in reach.province_ids
    if role in TEAM_ROLES and team is not None:
        return (
            team.commune_id in reach.commune_ids
            or team.commune.province_id in reach.province_ids
        )
    return False


def role_assignments_managed_by(user):
    """The role assignments ``user`` sees in the roles list and may withdraw."""
    reach = user_reach(user)
    if reach.everything:
        return RoleAssignment.objects.all()
    condition = Q(pk__in=[])
    if reach.province_ids:
        condition |= (
            Q(role=Role.PROVINCE_OFFICIAL, province__in=reach.province_ids)
            | Q(role=Role.COMMUNE_OFFICIAL, commune__province__in=reach.province_ids)
            | Q(role__in=TEAM_ROLES, team__commune__province__in=reach.province_ids)
        )
    if reach.commune_ids:
        condition |= Q(role__in=TEAM_ROLES, team__commune__in=reach.commune_ids)
    return RoleAssignment.objects.filter(condition)


def role_changes_visible_to(user):
    """The grants and withdrawals ``user`` may read: those of roles they manage."""
    reach = user_reach(user)
    if reach.everything:
        return RoleChange.objects.all()
    condition = Q(pk__in=[])
    if reach.province_ids:
        condition |= Q(
            role__in=[*OFFICIAL_ROLES, *TEAM_ROLES], province__in=reach.province_ids
        )
    if reach.commune_ids:
        condition |= Q(role__in=TEAM_ROLES, commune__in=reach.commune_ids)
    return RoleChange.objects.filter(condition)


def communes_managed_by(user):
    """Communes where ``user`` keeps hamlets and teams and gives roles."""
    if not can_manage_places(user):
        return Commune.objects.none()
    return Commune.objects.filter(
        scope_filter(user, commune="code", province="province")
    )


def provinces_managed_by(user):
    """Provinces whose officials ``user`` may appoint."""
    reach = user_reach(user)
    if reach.everything:
        return Province.objects.all()
    return Province.objects.filter(code__in=reach.province_ids)


def hamlets_managed_by(user):
    if not can_manage_places(user):
        return Hamlet.objects.none()
    return Hamlet.objects.filter(
        scope_filter(user, commune="commune", province="commune__province")
    )


def people_choosable_by(user):
    """People ``user`` may pick by name when giving a role.

    Those living in the places ``user`` covers, and those already holding a role
    there. Anyone else is found only by typing their exact phone number or email
    address, so an official cannot browse the names of the whole country.
    """
    reach = user_reach(user)
    if reach.everything:
        return User.objects.all()
    if not can_manage_roles(user):
        return User.objects.none()
    living_here = scope_filter(user, commune="commune", province="commune__province")
    holding_here = Q(pk__in=role_assignments_managed_by(user).values("user_id"))
    return User.objects.filter(living_here | holding_here)


def can_read_audit_log(user) -> bool:
    """Officials read the audit log of the places they cover; superusers all of it."""
    reach = user_reach(user)
    return reach.everything or bool(reach.province_ids or reach.commune_ids)


def audit_events_visible_to(user):
    """Events about personal data in the communes and provinces ``user`` covers."""
    if not can_read_audit_log(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        scope_filter(user, commune="commune", province="province")
    )
