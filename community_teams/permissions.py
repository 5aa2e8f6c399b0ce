"""Who may see and do what in the community teams' work.

The rule is the one of :mod:`lms.permissions`; this module only applies it. Team
members and leaders see the households of the hamlets their team serves (its hamlet,
or every hamlet of its commune when it serves no single one); commune officials see
their commune. A province official sees the province's figures, never the names:
personal data is shown only on a need-to-know basis.
"""

from django.db.models import Q

from community_teams.models import Consent, Household, Team, Visit
from lms.models import Hamlet
from lms.models.users import Role
from lms.permissions import can_manage_places, has_role, scope_filter, user_reach


def teams_managed_by(user):
    """Teams ``user`` may see, create and change in the admin and give roles in."""
    if not can_manage_places(user):
        return Team.objects.none()
    return Team.objects.filter(
        scope_filter(user, commune="commune", province="commune__province")
    )


def teams_of(user):
    """The teams ``user`` is a member or the leader of."""
    return Team.objects.filter(pk__in=user_reach(user).team_ids)


def teams_led_by(user):
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(
        pk__in=user.roles.filter(role=Role.TEAM_LEADER).values("team_id")
    )


def _served_by(teams) -> Q:
    """Hamlets served by ``teams`` (a queryset): their own, or their whole commune."""
    return Q(pk__in=teams.exclude(hamlet=None).values("hamlet_id")) | Q(
        commune__in=teams.filter(hamlet=None).values("commune_id")
    )


def hamlets_visible_to(user):
    """Hamlets whose households and residents ``user`` may see by name."""
    reach = user_reach(user)
    if reach.everything:
        return Hamlet.objects.all()
    condition = scope_filter(user, commune="commune")
    if reach.team_ids:
        condition |= _served_by(teams_of(user))
    return Hamlet.objects.filter(condition)


def households_visible_to(user):
    return Household.objects.filter(hamlet__in=hamlets_visible_to(user))


def hamlets_managed_by(user):
    """Hamlets whose households ``user`` keeps: as its team's leader, or commune."""
    reach = user_reach(user)
    if reach.everything:
        return Hamlet.objects.all()
    return Hamlet.objects.filter(
        scope_filter(user, commune="commune") | _served_by(teams_led_by(user))
    )


def households_managed_by(user):
    """Households ``user`` may correct, merge and erase residents of."""
    return Household.objects.filter(hamlet__in=hamlets_managed_by(user))


def team_serving(teams, hamlet) -> Team | None:
    """The first of ``teams`` that serves ``hamlet``: its own, or its whole commune."""
    for team in teams:
        if team.hamlet_id == hamlet.pk or (
            team.hamlet_id is None and team.commune_id == hamlet.commune_id
        ):
            return team
    return None


def team_for_visit(user, household: Household) -> Team | None:
    """The team of ``user`` that serves ``household``'s hamlet, if any."""
    return team_serving(teams_of(user).order_by("pk"), household.hamlet)


def works_in_hamlets(user) -> bool:
    """Members, leaders and commune officials: the people of the teams' pages."""
    reach = user_reach(user)
    return reach.everything or bool(reach.team_ids or reach.commune_ids)


def sees_province_figures(user) -> bool:
    """Province officials: the teams' figures of their province, without names."""
    return bool(user_reach(user).province_ids)


def may_review(user) -> bool:
    """Team leaders, commune officials and superusers review visits."""
    reach = user_reach(user)
    return reach.everything or has_role(user, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL)


def visits_reviewable_by(user):
    """Visits ``user`` reviews: as their team's leader, or as commune official."""
    reach = user_reach(user)
    if reach.everything:
        return Visit.objects.all()
    condition = Q(team__in=teams_led_by(user)) | scope_filter(
        user, commune="household__hamlet__commune"
    )
    return Visit.objects.filter(condition)


def visits_visible_to(user):
    """Visits ``user`` may read: their own, and those they review."""
    return Visit.objects.filter(
        Q(member_id=user.pk) | Q(pk__in=visits_reviewable_by(user).values("pk"))
    )


def residents_named_to(user, household: Household) -> set[int]:
    """Ids of ``household``'s residents whose names ``user`` may see.

    Within a team serving the hamlet, everyone; beyond it, a resident is named only
    with their consent. ``household`` comes from ``selectors.household_get``
    (residents prefetched with their latest consent).
    """
    in_team = team_for_visit(user, household) is not None
    return {
        resident.pk
        for resident in household.residents.all()
        if in_team or resident.consent == Consent.Action.GIVEN
    }


def teams_printing_posters(user, hamlet: Hamlet):
    """Teams serving ``hamlet`` whose sign-up poster ``user`` may print.

    Their members and leaders, the commune's officials, superusers.
    """
    reach = user_reach(user)
    serving = Team.objects.filter(
        Q(hamlet=hamlet) | Q(hamlet=None, commune_id=hamlet.commune_id)
    )
    if reach.everything or hamlet.commune_id in reach.commune_ids:
        return serving
    return serving.filter(pk__in=reach.team_ids)


def team_serves(team: Team, hamlet_id: int) -> bool:
    """Does ``team`` serve this hamlet (its own, or any of its commune's)?"""
    hamlet = Hamlet.objects.filter(pk=hamlet_id).first()
    return hamlet is not None and team_serving([team], hamlet) is not None


def may_keep_households(user) -> bool:
    """May ``user`` open the admin's household screens at all?"""
    reach = user_reach(user)
    return reach.everything or has_role(user, Role.COMMUNE_OFFICIAL, Role.TEAM_LEADER)


def may_import_into(user, hamlet) -> bool:
    return (
        may_keep_households(user)
        and hamlets_managed_by(user).filter(pk=hamlet.pk).exists()
    )
