"""Who works the queue of personal-data requests and the breach register:
officials, for their place."""

from lms.models import Commune, Province
from lms.models.users import Role
from lms.permissions import has_role, scope_filter, user_reach
from privacy.models import Breach, DataRequest


def can_work_requests(user) -> bool:
    return user.is_authenticated and (
        user_reach(user).everything
        or has_role(user, Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)
    )


def data_requests_visible_to(user):
    """Commune officials see their commune's requests, province officials their
    province's."""
    if not can_work_requests(user):
        return DataRequest.objects.none()
    return DataRequest.objects.filter(
        scope_filter(user, province="commune__province", commune="commune")
    )


def communes_for_requests(user):
    if not can_work_requests(user):
        return Commune.objects.none()
    return Commune.objects.filter(scope_filter(user, province="province", commune="pk"))


def breaches_visible_to(user):
    """Commune officials see the breaches recorded for their commune, province
    officials every breach of their province."""
    if not can_work_requests(user):
        return Breach.objects.none()
    return Breach.objects.filter(
        scope_filter(user, province="province", commune="commune")
    )


def provinces_for_breaches(user):
    """The provinces ``user`` may record a breach of the whole province for."""
    if not can_work_requests(user):
        return Province.objects.none()
    reach = user_reach(user)
    if reach.everything:
        return Province.objects.all()
    return Province.objects.filter(pk__in=reach.province_ids)
