"""The H5P package screens as a Vietnamese editor reads them."""

import datetime
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from h5p.models import GradingMethod, H5PActivity, H5PAttempt, H5PPackage, H5PResult
from h5p.selectors import attempt_message, result_message
from h5p.services import h5p_package_import

from .builders import tiny_package, tiny_package_files, zip_bytes

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def english():
    """Overrides the folder's English: these screens are read in Vietnamese."""
    with translation.override("vi"):
        yield


@pytest.fixture
def vietnamese_uploader(uploader):
    profile = UserProfile.get_for_user(uploader)
    profile.preferred_language = "vi"
    profile.save()
    return uploader


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def imported_from_command_line() -> H5PPackage:
    package = h5p_package_import(file=io.BytesIO(tiny_package()), uploaded_by=None)
    # 23:30 UTC is already the next day in Vietnam.
    package.created_at = datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC)
    package.save(update_fields=["created_at"])
    return package


def test_package_page_names_the_command_line_and_shows_local_time(
    client, vietnamese_uploader
):
    package = imported_from_command_line()
    client.force_login(vietnamese_uploader)

    page = text(client.get(reverse("h5p_packages:inspect", args=[package.pk])))

    assert "None" not in page
    assert "dòng lệnh" in page
    assert "05/03/2026 06:30" in page


def test_package_list_names_the_command_line_and_shows_local_time(
    client, vietnamese_uploader
):
    imported_from_command_line()
    client.force_login(vietnamese_uploader)

    page = text(client.get(reverse("h5p_packages:index")))

    assert "None" not in page
    assert "dòng lệnh" in page


def test_learners_read_scores_in_the_vietnamese_number_format():
    attempt = H5PAttempt(raw_score=1.5, max_score=4.5, percent=Decimal("33.33"))
    result = H5PResult(grade=Decimal("33.33"), attempt_count=1, passed=False)
    activity = H5PActivity(grading_method=GradingMethod.BEST, pass_mark=50)

    attempt_text = attempt_message(attempt)
    result_text = result_message(result=result, activity=activity)

    assert "1,5/4,5 điểm (33,3%)" in attempt_text
    assert "33,3%" in result_text
    assert "33.33" not in attempt_text + result_text


def test_broken_json_is_explained_in_vietnamese(client, vietnamese_uploader):
    files = tiny_package_files()
    files["content/content.json"] = b'{"question": "OTP?"} }'
    client.force_login(vietnamese_uploader)

    response = client.post(
        reverse("h5p_packages:add"),
        {"file": SimpleUploadedFile("hong.h5p", zip_bytes(files))},
    )

    page = text(response)
    assert "content/content.json không phải JSON hợp lệ" in page
    assert "còn chữ thừa sau phần dữ liệu" in page
    assert "Extra data" not in page


def test_uploading_the_same_package_again_says_the_earlier_one_is_used(
    client, vietnamese_uploader
):
    imported_from_command_line()
    client.force_login(vietnamese_uploader)

    response = client.post(
        reverse("h5p_packages:add"),
        {"file": SimpleUploadedFile("lan-hai.h5p", tiny_package())},
        follow=True,
    )

    page = text(response)
    assert H5PPackage.objects.count() == 1
    assert "Gói này đã được tải lên ngày 05/03/2026 06:30; dùng gói cũ." in page


def test_six_packages_with_one_title_are_told_apart_in_the_activity_form(
    client, admin_user
):
    from .packages import TRUE_FALSE_JS, package_files

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(admin_user)
    for version in range(1, 7):
        data = zip_bytes(
            package_files(
                machine_name="H5P.TrueFalse",
                version=(1, 6),
                title="Đúng hay sai: mã OTP",
                js=TRUE_FALSE_JS,
                content={"question": f"Phiên bản {version}", "correct": "false"},
            )
        )
        response = client.post(
            reverse("h5p_packages:add"),
            {"file": SimpleUploadedFile(f"ma-otp-ban-{version}.h5p", data)},
        )
        assert response.status_code == 302
    listing = text(client.get(reverse("h5p_packages:index")))

    form = client.get(reverse("h5p_activities:add")).content.decode()
    select = re.search(r'<select name="package".*?</select>', form, re.S)[0]
    labels = [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select)
    ]

    assert len(labels) == len(set(labels)) == 6
    # The newest first, each with its file name and when it was uploaded.
    assert labels[0].startswith("Đúng hay sai: mã OTP — ma-otp-ban-6.h5p, tải lên ")
    assert re.search(r"tải lên \d\d/\d\d/\d{4} \d\d:\d\d$", labels[0])
    assert all(f"ma-otp-ban-{n}.h5p" in listing for n in range(1, 7))


def test_a_package_imported_before_file_names_were_kept_shows_its_upload_time():
    package = imported_from_command_line()
    package.original_name = ""
    assert package.chooser_label() == "Câu hỏi thử: mã OTP — tải lên 05/03/2026 06:30"
