from django.db import transaction
from django.db.models import Max
from wagtail.rich_text import expand_db_html

from privacy.models import PrivacyNoticeVersion


def notice_published(sender, instance, revision=None, **kwargs) -> None:
    """Keep the text of each published notice as the next numbered version."""
    with transaction.atomic():
        # Two publications at the same moment cannot share a number: the unique
        # index refuses the second.
        last = PrivacyNoticeVersion.objects.aggregate(n=Max("number"))["n"] or 0
        PrivacyNoticeVersion.objects.create(
            number=last + 1,
            title=instance.title,
            summary=instance.summary,
            body=expand_db_html(instance.body),
            needs_new_consent=instance.needs_new_consent,
        )
