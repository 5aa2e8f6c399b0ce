import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from certificates import permissions
from certificates.models import BulkIssue, Certificate
from tests.certificates.helpers import issue
from tests.factories import UserFactory


@pytest.fixture
def residents(person_in):
    """Two people in Bến Thành, one in Sài Gòn (same province), one in Hà Nội."""
    return {
        "hoa": person_in("ben_thanh", full_name="Trần Thị Hoa", phone="+84912345601"),
        "binh": person_in("ben_thanh", full_name="Lê Văn Bình", email="binh@ex.vn"),
        "sai_gon": person_in("sai_gon", full_name="Võ Minh Sài", phone="+84912345602"),
        "ha_noi": person_in("hoan_kiem", full_name="Đỗ Thu Hà", phone="+84912345603"),
    }


def logged_in(client, user):
    client.force_login(user)
    return client


def names_on(response) -> str:
    return response.content.decode()


MANAGE_URLS = [
    reverse("certificates:manage"),
    reverse("certificates:issue"),
    reverse("certificates:upload"),
    reverse("certificates:bulk_issue_list"),
]


@pytest.mark.parametrize("url", MANAGE_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("url", MANAGE_URLS)
def test_residents_are_refused(client, resident, url):
    assert logged_in(client, resident).get(url).status_code == 403


def test_commune_official_lists_only_people_of_their_commune(
    client, official, residents
):
    page = names_on(
        logged_in(client, official("ben_thanh")).get(reverse("certificates:issue"))
    )

    assert "Trần Thị Hoa" in page and "Lê Văn Bình" in page
    assert "Võ Minh Sài" not in page and "Đỗ Thu Hà" not in page


def test_official_of_another_commune_sees_none_of_them(client, official, residents):
    page = names_on(
        logged_in(client, official("sai_gon")).get(reverse("certificates:issue"))
    )

    assert "Võ Minh Sài" in page
    assert "Trần Thị Hoa" not in page and "Đỗ Thu Hà" not in page


def test_province_official_lists_every_commune_of_the_province(
    client, official, residents
):
    page = names_on(
        logged_in(client, official("ben_thanh", province=True)).get(
            reverse("certificates:issue")
        )
    )

    assert "Trần Thị Hoa" in page and "Võ Minh Sài" in page
    assert "Đỗ Thu Hà" not in page


def test_people_search_ignores_accents(client, official, residents):
    page = names_on(
        logged_in(client, official()).get(
            reverse("certificates:issue"), {"q": "tran thi hoa"}
        )
    )

    assert "Trần Thị Hoa" in page and "Lê Văn Bình" not in page


def test_people_list_is_paginated(client, official, person_in):
    for number in range(55):
        person_in("ben_thanh", full_name=f"Người Dân {number:02d}")

    first = names_on(logged_in(client, official()).get(reverse("certificates:issue")))
    after = re.search(r'rel="next" href="\?after=(\d+)"', first).group(1)
    second = names_on(client.get(reverse("certificates:issue"), {"after": after}))

    assert 'name="people"' not in first  # no course chosen yet: nothing to tick
    assert "Người Dân 00" in first and "Người Dân 54" not in first
    assert "Người Dân 54" in second and "Người Dân 00" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_issue_list_marks_people_who_hold_the_certificate(
    client, official, residents, course
):
    issue(residents["hoa"], course)

    page = names_on(
        logged_in(client, official()).get(
            reverse("certificates:issue"), {"course": course.pk}
        )
    )

    assert "Has it" in page
    assert f'value="{residents["binh"].pk}"' in page
    assert f'value="{residents["hoa"].pk}"' not in page


def test_team_leader_has_nobody_until_trained_residents_are_plugged_in(
    client, team_leader, residents, monkeypatch
):
    monkeypatch.setattr(permissions, "_people_scopes", [])
    client = logged_in(client, team_leader)
    before = names_on(client.get(reverse("certificates:issue")))

    permissions.register_people_scope(lambda issuer: Q(pk=residents["sai_gon"].pk))
    after = names_on(client.get(reverse("certificates:issue")))

    assert "Nobody found in your area." in before
    assert "Võ Minh Sài" in after and "Trần Thị Hoa" not in after
    assert not permissions.can_revoke(team_leader)


def test_official_issues_to_ticked_people_and_downloads_one_zip(
    client, official, residents, course
):
    issuer = official()
    client = logged_in(client, issuer)
    chosen = [residents["hoa"].pk, residents["binh"].pk, residents["ha_noi"].pk]

    prepared = client.post(
        reverse("certificates:issue"),
        {"course": course.pk, "people": chosen, "reason": "Tập huấn 12/08"},
    )
    bulk_issue = BulkIssue.objects.get()
    preview = names_on(client.get(prepared["Location"]))
    started = client.post(
        reverse("certificates:bulk_issue_start", args=[bulk_issue.pk])
    )
    result = names_on(client.get(started["Location"]))
    archive = client.get(reverse("certificates:bulk_issue_zip", args=[bulk_issue.pk]))

    assert "2 people were found." in preview
    assert "Đỗ Thu Hà" not in preview  # outside the official's commune
    assert "Issue 2 certificates" in preview
    assert "Download all certificates (ZIP)" in result
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as zipped:
        names = sorted(zipped.namelist())
        codes = set(Certificate.objects.values_list("code", flat=True))
        assert len(codes) == 2
        assert names == sorted(
            [
                f"le-van-binh-{c.code}.pdf"
                for c in Certificate.objects.filter(user=residents["binh"])
            ]
            + [
                f"tran-thi-hoa-{c.code}.pdf"
                for c in Certificate.objects.filter(user=residents["hoa"])
            ]
            + ["list.csv"]
        )
        for name in (name for name in names if name.endswith(".pdf")):
            stored = Certificate.objects.get(code=name[-21:-4])
            assert zipped.read(name) == stored.pdf.open("rb").read()
        rows = list(
            csv.reader(io.StringIO(zipped.read("list.csv").decode("utf-8-sig")))
        )
        assert len(rows) == 3


def test_everyone_matching_a_search_can_be_chosen_at_once(
    client, official, residents, course
):
    client = logged_in(client, official())

    client.post(
        reverse("certificates:issue"),
        {"course": course.pk, "everyone": "on", "q": "binh"},
    )

    bulk_issue = BulkIssue.objects.get()
    assert list(bulk_issue.items.values_list("user_id", flat=True)) == [
        residents["binh"].pk
    ]


def test_issuing_without_choosing_anyone_says_what_to_do(client, official, course):
    client = logged_in(client, official())

    response = client.post(
        reverse("certificates:issue"), {"course": course.pk}, follow=True
    )

    assert "Tick the people to issue certificates to" in names_on(response)
    assert not BulkIssue.objects.exists()


def csv_upload(text: str, name: str = "danh-sach.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), "text/csv")


def test_uploaded_list_previews_who_matched_and_who_did_not(
    client, official, residents, course
):
    client = logged_in(client, official())
    text = (
        "Họ tên;Số điện thoại\n"
        "Trần Thị Hoa;0912 345 601\n"
        "Lê Văn Bình;BINH@ex.vn\n"
        "Đỗ Thu Hà;0912345603\n"
        "Không Ai;0987654321\n"
        "Gõ sai;12345\n"
        "Trần Thị Hoa;+84912345601\n"
    )

    response = client.post(
        reverse("certificates:upload"),
        {"course": course.pk, "file": csv_upload(text), "reason": "Tập huấn"},
    )
    preview = names_on(client.get(response["Location"]))

    bulk_issue = BulkIssue.objects.get()
    assert set(bulk_issue.items.values_list("user_id", flat=True)) == {
        residents["hoa"].pk,
        residents["binh"].pk,
    }
    assert "2 people were found." in preview
    assert "4 lines matched nobody" in preview
    reasons = {entry["line"]: entry["reason"] for entry in bulk_issue.unmatched}
    # Someone living elsewhere reads exactly like nobody at all.
    assert (
        reasons[4] == reasons[5] == "Nobody with this number or address in your area."
    )
    assert reasons[6] == "Not a mobile number or an email address."
    assert reasons[7] == "Listed twice."
    assert not Certificate.objects.exists()


def test_an_unreadable_file_is_explained(client, official, course):
    client = logged_in(client, official())
    # Windows-1252 bytes, as an old spreadsheet program saves them.
    upload = SimpleUploadedFile("list.csv", b"Tr\xe0n Th\xec;0912345601", "text/csv")

    response = client.post(
        reverse("certificates:upload"), {"course": course.pk, "file": upload}
    )

    assert response.status_code == 200
    assert "CSV UTF-8" in names_on(response)


def test_progress_page_refreshes_itself_while_issuing(
    client, official, residents, course
):
    issuer = official()
    bulk_issue = BulkIssue.objects.create(
        course=course, created_by=issuer, status=BulkIssue.Status.RUNNING
    )
    bulk_issue.items.create(user=residents["hoa"])

    client = logged_in(client, issuer)
    page = names_on(
        client.get(reverse("certificates:bulk_issue", args=[bulk_issue.pk]))
    )
    progress = client.get(
        reverse("certificates:bulk_issue_progress", args=[bulk_issue.pk])
    ).json()

    assert re.search(
        r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', page
    )
    assert "certificates/progress.js" in page
    assert progress == {
        "status": "running",
        "total": 1,
        "processed": 0,
        "pending": 1,
        "issued": 0,
        "existing": 0,
        "failed": 0,
        "percent": 0,
    }
    zip_url = reverse("certificates:bulk_issue_zip", args=[bulk_issue.pk])
    assert client.get(zip_url).status_code == 404


def test_a_bulk_issue_is_seen_only_by_who_started_it(
    client, official, residents, course
):
    bulk_issue = BulkIssue.objects.create(course=course, created_by=official())
    colleague = logged_in(client, official())

    for name in ("bulk_issue", "bulk_issue_progress", "bulk_issue_zip"):
        url = reverse(f"certificates:{name}", args=[bulk_issue.pk])
        assert colleague.get(url).status_code == 404
    start = reverse("certificates:bulk_issue_start", args=[bulk_issue.pk])
    assert colleague.post(start).status_code == 404


def test_certificate_list_is_scoped_and_searchable_by_code(
    client, official, residents, course
):
    mine = issue(residents["hoa"], course)
    issue(residents["ha_noi"], course)
    client = logged_in(client, official())

    page = names_on(client.get(reverse("certificates:manage")))
    by_code = names_on(
        client.get(reverse("certificates:manage"), {"q": mine.code.lower()})
    )

    assert "Trần Thị Hoa" in page and "Đỗ Thu Hà" not in page
    assert mine.code in by_code


def test_official_revokes_with_a_reason(client, official, residents, course):
    certificate = issue(residents["hoa"], course)
    revoker = official()
    client = logged_in(client, revoker)
    url = reverse("certificates:revoke", args=[certificate.code])

    empty = client.post(url, {"reason": "   "})
    done = client.post(url, {"reason": "Cấp nhầm khoá học"})

    assert empty.status_code == 200
    assert 'class="errorlist"' in names_on(empty)
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == revoker
    assert certificate.revocation_reason == "Cấp nhầm khoá học"
    verify = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert "Cấp nhầm khoá học" in names_on(verify)


def test_revoking_from_the_wrong_role_or_place_is_refused(
    client, official, resident, team_leader, residents, course
):
    certificate = issue(residents["hoa"], course)
    url = reverse("certificates:revoke", args=[certificate.code])

    assert (
        logged_in(client, official("sai_gon")).post(url, {"reason": "x"}).status_code
        == 404
    )
    assert logged_in(client, resident).post(url, {"reason": "x"}).status_code == 403
    assert logged_in(client, team_leader).post(url, {"reason": "x"}).status_code == 403
    client.logout()
    assert client.post(url, {"reason": "x"}).status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_officials_download_certificates_of_their_people_only(
    client, official, residents, course
):
    here = issue(residents["hoa"], course)
    there = issue(residents["ha_noi"], course)
    client = logged_in(client, official())

    assert (
        client.get(reverse("certificates:download", args=[here.code])).status_code
        == 200
    )
    assert (
        client.get(reverse("certificates:download", args=[there.code])).status_code
        == 404
    )


def test_superuser_sees_everyone(client, residents):
    admin = UserFactory(is_superuser=True, is_staff=True)

    page = names_on(logged_in(client, admin).get(reverse("certificates:issue")))

    for person in residents.values():
        assert person.full_name in page
