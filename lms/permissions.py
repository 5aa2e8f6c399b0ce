"""Who may see what: the one place that answers it.

Scoped objects say where they belong by implementing ``scope()`` returning a
:class:`Scope`; a person's role assignments say where they may look. Querysets of
personal data filter with :func:`scope_filter` so lists and details agree.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from lms.models.users import Role


@dataclass(frozen=True)
class Scope:
    """Where an object lives: its province, commune and team (any may be unknown)."""

    province_id: str | None = None
    commune_id: str | None = None
    team_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class Reach:
    """Where a person may look, computed once per request from their roles."""

    everything: bool = False
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
    if user.is_superuser:
        reach = Reach(everything=True, user_id=user.pk)
    else:
        provinces, communes, teams = set(), set(), set()
        for role, team_id, commune_id, province_id in user.roles.values_list(
            "role", "team_id", "commune_id", "province_id"
        ):
            if role == Role.PROVINCE_OFFICIAL:
                provinces.add(province_id)
            elif role == Role.COMMUNE_OFFICIAL:
                communes.add(commune_id)
            elif role in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
                teams.add(team_id)
        reach = Reach(
            province_ids=frozenset(provinces),
            commune_ids=frozenset(communes),
            team_ids=frozenset(teams),
            user_id=user.pk,
        )
    user._lms_reach = reach
    return reach


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
    if not user or not user.is_authenticated:
        return False
    return user.roles.filter(role__in=roles).exists()
