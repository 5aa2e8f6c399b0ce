"""An editor uploads lesson videos in the Wagtail admin's documents library.

Uploads go through the admin's own views (the single and the multiple uploader);
a file named as a video is read to check it is one.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import nested_form_data, streamfield
from wagtail.users.models import UserProfile

from courses.models import LessonPage
from lms.models.users import Role
from lms.services import role_grant
from tests.courses.videos import MP4, WEBM, long_webm, video_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Document = get_document_model()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def editor_with_language(language: str):
    editor = UserFactory(full_name="Trần Thị Biên Tập")
    role_grant(user=editor, role=Role.CONTENT_EDITOR, by=None)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    return editor


@pytest.fixture
def editor_client(client, site_tree):
    client.force_login(editor_with_language("en"))
    return client


def upload(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
        },
    )


def upload_multiple(client, name: str, content: bytes) -> dict:
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    return response.json()


def file_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors["file"]


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def test_editor_uploads_an_mp4_video(editor_client, media_root):
    response = upload(editor_client, "dang-nhap-vneid.mp4", MP4)

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.filename == "dang-nhap-vneid.mp4"
    assert document.file_size == len(MP4)
    assert document.file_hash
    with document.open_file() as stored:
        assert stored.read() == MP4


def test_editor_uploads_a_webm_video_with_the_multiple_uploader(editor_client):
    reply = upload_multiple(editor_client, "quet-ma-qr.webm", WEBM)

    assert reply["success"] is True
    document = Document.objects.get(pk=reply["doc_id"])
    assert document.filename == "quet-ma-qr.webm"
    assert document.file_size == len(WEBM)


def test_handouts_are_still_accepted(editor_client):
    response = upload(editor_client, "huong-dan.pdf", PDF)

    assert response.status_code == 302
    assert Document.objects.get().filename == "huong-dan.pdf"


def quicktime(mp4: bytes) -> bytes:
    """The MP4 as a QuickTime file: its ``ftyp`` box names the ``qt`` brand."""
    return mp4[:8] + b"qt  " + mp4[12:]


REFUSED = [
    pytest.param(
        "bai-1.mov",
        MP4,
        "“bai-1.mov” is a .mov video, which not every phone plays",
        id="another-video-format",
    ),
    pytest.param(
        "bai-1.mp4",
        PDF,
        "“bai-1.mp4” ends in .mp4 but is not a video",
        id="renamed-pdf",
    ),
    pytest.param(
        "bai-1.webm",
        b"Xin chao",
        "“bai-1.webm” ends in .webm but is not a video",
        id="renamed-text",
    ),
    pytest.param(
        "bai-1.mp4",
        WEBM,
        "holds a WebM video but is named .mp4. Rename it to end in .webm",
        id="webm-named-mp4",
    ),
    pytest.param(
        "bai-1.webm",
        MP4,
        "holds a MP4 video but is named .webm. Rename it to end in .mp4",
        id="mp4-named-webm",
    ),
    pytest.param(
        "bai-1.webm",
        long_webm(seconds=2, padding=0, doc_type="matroska"),
        "“bai-1.webm” is a MKV video, which not every phone plays. Convert it",
        id="mkv-named-webm",
    ),
    pytest.param(
        "bai-1.mp4",
        quicktime(MP4),
        "“bai-1.mp4” is a MOV video",
        id="mov-named-mp4",
    ),
    pytest.param(
        "bai-1.mp4",
        MP4[: len(MP4) // 2],
        "is a damaged or incomplete MP4 file",
        id="cut-short-mp4",
    ),
    pytest.param(
        "bai-1.webm",
        WEBM[: len(WEBM) // 2],
        "is a damaged or incomplete WebM file",
        id="cut-short-webm",
    ),
    pytest.param("bai-1.mp4", b"", "This file is empty (0 bytes)", id="empty"),
]


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED)
def test_a_file_that_is_not_a_lesson_video_is_refused_with_the_reason(
    editor_client, media_root, name, content, reason
):
    errors = file_errors(upload(editor_client, name, content))

    assert len(errors) == 1
    assert reason in errors[0]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED)
def test_the_multiple_uploader_refuses_it_with_the_same_reason(
    editor_client, media_root, name, content, reason
):
    reply = upload_multiple(editor_client, name, content)

    assert reply["success"] is False
    assert reason in reply["error_message"]
    assert "\n" not in reply["error_message"]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_video_over_the_size_limit_is_refused(editor_client, settings, media_root):
    settings.LMS_VIDEO_MAX_BYTES = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 4 * 1024

    errors = file_errors(upload(editor_client, "bai-1.mp4", MP4))

    assert errors == [
        "This file is 7.3\xa0KB; a file may be at most 4.0\xa0KB. Shorten a video or "
        "export it at a lower resolution (720p is plenty on a phone)."
    ]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_the_video_limit_holds_even_if_documents_may_be_larger(editor_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = None
    settings.LMS_VIDEO_MAX_BYTES = 4 * 1024

    errors = file_errors(upload(editor_client, "bai-1.webm", WEBM))

    assert errors == [
        "This video is 8.0\xa0KB; a lesson video may be at most 4.0\xa0KB. "
        "Shorten it or export it at a lower resolution (720p is plenty on a phone)."
    ]
    assert not Document.objects.exists()


def test_the_upload_pages_tell_the_limit_and_the_browser_checks_it(editor_client):
    single = editor_client.get(reverse("wagtaildocs:add")).content.decode()
    multiple = editor_client.get(reverse("wagtaildocs:add_multiple")).content.decode()

    assert "lesson video (MP4 or WebM), at most 200.0\xa0MB" in single
    assert f'data-max-file-size="{200 * 1024 * 1024}"' in multiple
    assert '"maxFileSize": "This file is too large' in multiple
    assert "a file may be at most 200.0\xa0MB." in multiple


def test_the_editor_reads_the_refusal_in_vietnamese(client, site_tree):
    client.force_login(editor_with_language("vi"))

    errors = file_errors(upload(client, "bai-1.mp4", PDF))

    assert errors == [
        "“bai-1.mp4” có đuôi .mp4 nhưng không phải video: nội dung của tệp là "
        "thứ khác. Hãy chọn đúng tệp video (MP4 hoặc WebM)."
    ]


def lesson_edit(client, lesson: LessonPage, document) -> dict:
    """Save the lesson in the admin with one video block showing ``document``."""
    video = {
        "video_file": document.pk if document else "",
        "poster": "",
        "embed": "",
        "caption": "",
    }
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        nested_form_data(
            {
                "title": lesson.title,
                "slug": lesson.slug,
                "body": streamfield([("video", video)]),
                "estimated_minutes": 5,
                "is_required": "on",
            }
        ),
    )
    return response


def test_the_video_block_accepts_a_video(editor_client, course):
    lesson = LessonPage.objects.child_of(course).first()
    document = video_document(WEBM, "quet-ma-qr.webm")

    response = lesson_edit(editor_client, lesson, document)

    assert response.status_code == 302
    lesson.refresh_from_db()
    draft = lesson.get_latest_revision_as_object()
    assert draft.body[0].value["video_file"] == document


def test_the_video_block_refuses_a_handout_and_says_why(editor_client, course):
    lesson = LessonPage.objects.child_of(course).first()
    handout = video_document(PDF, "huong-dan.pdf", title="Hướng dẫn in ra")

    response = lesson_edit(editor_client, lesson, handout)

    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0].as_json_data()
    assert errors["blockErrors"][0]["blockErrors"]["video_file"]["messages"] == [
        "“Hướng dẫn in ra” is not a video. Choose an MP4 or WebM video; upload it "
        "first under Documents if it is not there yet."
    ]
    assert lesson.get_latest_revision() is None


def test_the_video_block_wants_a_file_or_an_address(editor_client, course):
    lesson = LessonPage.objects.child_of(course).first()

    response = lesson_edit(editor_client, lesson, None)

    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0].as_json_data()
    assert errors["blockErrors"][0]["blockErrors"]["video_file"]["messages"] == [
        "Choose either an uploaded video file or an embed address."
    ]
