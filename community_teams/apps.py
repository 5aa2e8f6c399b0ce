from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityTeamsConfig(AppConfig):
    name = "community_teams"
    verbose_name = _("Community digital-technology teams")
    default_auto_field = "django.db.models.BigAutoField"
