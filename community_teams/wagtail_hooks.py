from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from community_teams import viewsets
from community_teams.models import Household, Team
from community_teams.permissions import hamlets_managed_by, may_keep_households

register_permission_policy(Team, viewsets.team_policy())
register_permission_policy(Household, viewsets.household_policy())


@hooks.register("register_admin_viewset")
def register_team_viewsets():
    return [
        viewsets.TeamViewSet("teams"),
        viewsets.team_chooser_viewset,
        viewsets.HouseholdViewSet("households"),
    ]


@hooks.register("register_hamlet_listing_buttons")
def hamlet_household_buttons(user):
    """ "Households" and "Import households" on the hamlets ``user`` keeps."""
    kept = (
        set(hamlets_managed_by(user).values_list("pk", flat=True))
        if may_keep_households(user)
        else set()
    )

    def buttons(hamlet):
        if hamlet.pk not in kept:
            return []
        query = urlencode({"hamlet": hamlet.pk})
        return [
            MenuItem(
                _("Households"),
                url=f"{reverse('households:index')}?{query}",
                icon_name="home",
                priority=40,
            ),
            MenuItem(
                _("Import households"),
                url=f"{reverse('households:import')}?{query}",
                icon_name="upload",
                priority=41,
            ),
        ]

    return buttons


register_snippet(viewsets.SkillViewSet)
