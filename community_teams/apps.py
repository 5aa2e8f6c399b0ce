from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityTeamsConfig(AppConfig):
    name = "community_teams"
    verbose_name = _("Community digital-technology teams")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from django.db.models.signals import post_save

        from community_teams.permissions import sees_province_figures, works_in_hamlets
        from community_teams.receivers import (
            figures_follow_hamlet_on_save,
            forget_figures_on_course_completed,
            link_resident_on_phone_verified,
            record_referral_on_signup,
        )
        from courses.completion import course_completed
        from lms.accounts.signals import phone_verified
        from lms.models import Hamlet
        from lms.navigation import register_staff_link

        phone_verified.connect(
            link_resident_on_phone_verified,
            dispatch_uid="community_teams.link_resident",
        )
        user_signed_up.connect(
            record_referral_on_signup, dispatch_uid="community_teams.referral"
        )
        course_completed.connect(
            forget_figures_on_course_completed,
            dispatch_uid="community_teams.figures_on_completion",
        )
        post_save.connect(
            figures_follow_hamlet_on_save,
            sender=Hamlet,
            dispatch_uid="community_teams.figures_follow_hamlet",
        )

        register_staff_link(
            label=_("Community team: households and visits"),
            url_name="team_home",
            allowed=works_in_hamlets,
        )
        register_staff_link(
            label=_("Community teams: the province's figures"),
            url_name="team_province",
            allowed=sees_province_figures,
        )
