"""The privacy notice, published as an editor would publish it."""

from wagtail.models import Page

from privacy.models import PrivacyNoticePage
from tests.factories import wagtail_roots


def notice_publish(
    *,
    body: str = "<p>Chúng tôi lưu họ tên và kết quả học tập.</p>",
    summary: str = "Chúng tôi lưu họ tên và kết quả học tập của bạn.",
    needs_new_consent: bool = False,
    title: str = "Thông báo về dữ liệu cá nhân",
) -> PrivacyNoticePage:
    """Publish the notice (creating it the first time): one more version."""
    notice = PrivacyNoticePage.objects.first()
    if notice is None:
        wagtail_roots()
        notice = PrivacyNoticePage(
            title=title, slug="quyen-rieng-tu", summary=summary, body=body
        )
        Page.get_first_root_node().add_child(instance=notice)
    notice.title = title
    notice.summary = summary
    notice.body = body
    notice.needs_new_consent = needs_new_consent
    notice.save_revision().publish()
    return notice
