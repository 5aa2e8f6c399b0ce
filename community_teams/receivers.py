"""Signal receivers: accounts that join residents, sign-ups through a poster, and
the figures of hamlets that move."""

from community_teams import figures, selectors, services
from community_teams.models import SignupReferral


def link_resident_on_phone_verified(sender, user, phone, **kwargs) -> None:
    """A number proven by SMS joins the resident the teams recorded with it."""
    services.resident_account_link(user=user)


def record_referral_on_signup(sender, request, user, **kwargs) -> None:
    """Someone who came through a team's poster: remember which team and hamlet."""
    if request is None or not hasattr(request, "session"):
        return
    referral = request.session.pop(services.REFERRAL_SESSION_KEY, None)
    if not isinstance(referral, list) or len(referral) != 2:
        return
    team_id, hamlet_id = referral
    services.signup_referral_record(user=user, team_id=team_id, hamlet_id=hamlet_id)


def forget_figures_on_course_completed(sender, enrollment, **kwargs) -> None:
    """A resident the team brought finished a course: their hamlet's figures change."""
    hamlet_ids = SignupReferral.objects.filter(user_id=enrollment.user_id).values_list(
        "hamlet_id", flat=True
    )
    selectors.hamlet_figures_forget(*hamlet_ids)


def figures_follow_hamlet_on_save(sender, instance, created=False, raw=False, **kwargs):
    """A hamlet moved to another commune takes its figures along (``post_save``)."""
    if not created and not raw:
        figures.hamlet_figures_follow(instance)
