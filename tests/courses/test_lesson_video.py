"""A learner watches a lesson's video: the player, who may load it, byte ranges."""

import importlib
from html import unescape

import pytest
import wagtail_factories
from django.test import Client
from django.urls import clear_url_caches, reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

import lms.urls
from courses.models import LessonPage
from courses.services import enrollment_create, lesson_complete
from lms.models.users import Role
from lms.services import role_grant
from tests.courses.videos import MP4, WEBM, place_video, video_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Document = get_document_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def video(lessons):
    document = video_document(WEBM, "quet-ma-qr.webm", title="Quét mã QR")
    place_video(lessons[0], document, caption="Quét mã QR để thanh toán")
    return document


@pytest.fixture
def enrolled(learner_client, user, course):
    enrollment_create(user=user, course=course)
    return learner_client


@pytest.fixture
def editor(db):
    editor = UserFactory()
    role_grant(user=editor, role=Role.CONTENT_EDITOR, by=None)
    return editor


def video_url(lesson, document) -> str:
    return reverse("lesson_video", args=[lesson.pk, document.pk, document.filename])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_lesson_shows_a_phone_friendly_player_with_a_download_link(
    enrolled, lessons, video
):
    poster = wagtail_factories.ImageFactory(title="Ảnh bìa")
    lessons[0].body = []
    place_video(lessons[0], video, caption="Quét mã QR để thanh toán", poster=poster)

    page = unescape(enrolled.get(lessons[0].url).content.decode())

    url = video_url(lessons[0], video)
    assert '<video controls preload="metadata" playsinline poster="' in page
    assert 'aria-label="Quét mã QR để thanh toán"' in page
    assert f'<source src="{url}" type="video/webm">' in page
    assert f'<a href="{url}" download>Download the video (WebM, 8.0\xa0KB)</a>' in page
    assert "This browser cannot play the video here." in page
    assert "<figcaption>Quét mã QR để thanh toán</figcaption>" in page
    assert ".webp" in page.split("poster=", 1)[1].split(">", 1)[0]


def test_a_video_without_a_caption_is_named_by_its_title(enrolled, lessons):
    document = video_document(MP4, "dang-nhap.mp4", title="Đăng nhập VNeID")
    place_video(lessons[0], document)

    page = unescape(enrolled.get(lessons[0].url).content.decode())

    assert 'aria-label="Đăng nhập VNeID"' in page
    assert 'type="video/mp4"' in page


def test_the_learner_gets_the_whole_video(enrolled, lessons, video):
    response = enrolled.get(video_url(lessons[0], video))

    assert response.status_code == 200
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Length"] == str(len(WEBM))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{video.file_hash}"'
    assert response["Content-Disposition"] == 'inline; filename="quet-ma-qr.webm"'
    assert "private" in response["Cache-Control"]
    assert body(response) == WEBM


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-", 0, len(WEBM) - 1),
        ("bytes=100-199", 100, 199),
        ("bytes=8000-", 8000, len(WEBM) - 1),
        ("bytes=-10", len(WEBM) - 10, len(WEBM) - 1),
        ("bytes=5-5", 5, 5),
        ("bytes=8200-999999", 8200, len(WEBM) - 1),
    ],
)
def test_a_range_request_gets_exactly_those_bytes(
    enrolled, lessons, video, header, first, last
):
    response = enrolled.get(video_url(lessons[0], video), headers={"Range": header})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(WEBM)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == WEBM[first : last + 1]


def test_a_range_past_the_end_is_not_satisfiable(enrolled, lessons, video):
    response = enrolled.get(
        video_url(lessons[0], video), headers={"Range": f"bytes={len(WEBM)}-"}
    )

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(WEBM)}"


def test_a_range_of_an_older_file_gets_the_whole_new_one(enrolled, lessons, video):
    response = enrolled.get(
        video_url(lessons[0], video),
        headers={"Range": "bytes=100-199", "If-Range": '"an-older-file"'},
    )

    assert response.status_code == 200
    assert body(response) == WEBM


def test_a_video_the_browser_holds_is_not_sent_again(enrolled, lessons, video):
    response = enrolled.get(
        video_url(lessons[0], video),
        headers={"If-None-Match": f'"{video.file_hash}"', "Range": "bytes=0-"},
    )

    assert response.status_code == 304
    assert response.content == b""


def test_a_head_request_tells_the_size_without_the_bytes(enrolled, lessons, video):
    response = enrolled.head(video_url(lessons[0], video))

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(WEBM))
    assert response.content == b""


def test_each_range_costs_a_few_queries(
    enrolled, lessons, video, django_assert_max_num_queries
):
    url = video_url(lessons[0], video)
    enrolled.get(url, headers={"Range": "bytes=0-"})
    # The session, the user, the document, the lesson and enrolment.
    with django_assert_max_num_queries(4):
        response = enrolled.get(url, headers={"Range": "bytes=4000-"})
    assert response.status_code == 206


def test_nobody_outside_the_lesson_gets_the_video(learner_client, lessons, video):
    url = video_url(lessons[0], video)

    assert Client().get(url).status_code == 403
    # Signed in, not enrolled.
    assert learner_client.get(url).status_code == 403


def test_a_locked_lesson_does_not_give_its_video(enrolled, lessons, user, course):
    document = video_document(WEBM, "buoc-2.webm")
    place_video(lessons[1], document)
    url = video_url(lessons[1], document)

    assert enrolled.get(url).status_code == 403
    lesson_complete(enrollment=user.enrollments.get(course=course), lesson=lessons[0])
    assert enrolled.get(url).status_code == 200


def test_a_lesson_gives_only_its_own_videos(enrolled, lessons, video):
    other = video_document(MP4, "bai-khac.mp4")

    assert enrolled.get(video_url(lessons[0], other)).status_code == 403


def test_an_unpublished_lesson_gives_no_video(enrolled, lessons, video):
    lessons[0].unpublish()

    assert enrolled.get(video_url(lessons[0], video)).status_code == 403


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(lambda lesson, doc: [lesson.pk, doc.pk, "khac.webm"], id="name"),
        pytest.param(lambda lesson, doc: [lesson.pk, 10**6, doc.filename], id="id"),
        pytest.param(lambda lesson, doc: [lesson.pk, 2**63, doc.filename], id="2^63"),
        pytest.param(lambda lesson, doc: [2**64, doc.pk, doc.filename], id="lesson"),
    ],
)
def test_a_wrong_address_is_not_found(enrolled, lessons, video, args):
    lesson_id, document_id, name = args(lessons[0], video)
    # Written out: ids past 64 bits are no id, so no URL can be reversed for them.
    url = f"/learning/lessons/{lesson_id}/videos/{document_id}/{name}"

    assert enrolled.get(url).status_code == 404


def test_a_handout_is_not_served_as_a_lesson_video(enrolled, lessons):
    handout = video_document(b"%PDF-1.4\n%%EOF\n", "huong-dan.pdf")

    assert enrolled.get(video_url(lessons[0], handout)).status_code == 404


def test_an_editor_watches_any_video_with_ranges(client, editor, lessons):
    document = video_document(MP4, "ban-nhap.mp4")
    client.force_login(editor)

    response = client.get(
        video_url(lessons[0], document), headers={"Range": "bytes=10-19"}
    )

    assert response.status_code == 206
    assert body(response) == MP4[10:20]


def preview_url(document) -> str:
    return reverse("video_preview", args=[document.pk, document.filename])


def test_the_document_address_serves_a_video_to_editors_only(
    enrolled, editor, lessons, video
):
    """Learners watch in the lesson; the library's address is for editors."""
    assert Client().get(video.url).status_code == 403
    assert enrolled.get(video.url).status_code == 403
    assert enrolled.get(preview_url(video)).status_code == 403

    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.get(video.url)
    assert response.status_code == 302
    assert response["Location"] == preview_url(video)
    response = editor_client.get(preview_url(video), headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert body(response) == WEBM[:100]


def test_an_editors_preview_plays_from_the_preview_address(client, editor, lessons):
    document = video_document(WEBM, "xem-truoc.webm")
    place_video(lessons[0], document)
    client.force_login(editor)

    preview = client.get(
        reverse("wagtailadmin_pages:view_draft", args=[lessons[0].pk])
    ).content.decode()

    assert f'<source src="{preview_url(document)}" type="video/webm">' in preview


def test_documents_in_a_private_collection_are_not_public(learner_client):
    private = Collection.get_first_root_node().add_child(name="Nội bộ")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    handout = video_document(b"%PDF-1.4\n%%EOF\n", "noi-bo.pdf", collection=private)
    lesson_video_document = video_document(WEBM, "noi-bo.webm", collection=private)

    for document in (handout, lesson_video_document):
        response = Client().get(document.url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert learner_client.get(lesson_video_document.url).status_code == 403


@pytest.fixture
def development_urls(settings):
    """The URLs as ``lms.settings.dev`` (DEBUG) builds them."""
    settings.DEBUG = True
    importlib.reload(lms.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(lms.urls)
    clear_url_caches()


def test_development_serves_no_document_as_a_plain_media_file(
    development_urls, media_root, video
):
    (media_root / "images").mkdir()
    (media_root / "images" / "anh.txt").write_text("ảnh")

    assert Client().get(f"/media/{video.file.name}").status_code == 404
    assert Client().get("/media/images/anh.txt").status_code == 200
