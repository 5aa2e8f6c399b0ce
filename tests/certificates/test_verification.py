import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.codes import ALPHABET, code_generate
from certificates.models import Certificate
from certificates.ratelimit import MISSES_ALLOWED
from certificates.selectors import name_mask
from certificates.services import certificate_revoke
from lms.pagecache import CACHED_HEADER
from tests.certificates.helpers import issue
from tests.factories import UserFactory

NAME = "Nguyễn Thị Ánh Tuyết"


@pytest.fixture
def certificate(course, official):
    person = UserFactory(full_name=NAME)
    return issue(person, course)


def verify_url(code: str) -> str:
    return reverse("certificates:verify", args=[code])


def unknown_code(taken: str) -> str:
    code = code_generate()
    while code == taken:
        code = code_generate()
    return code


def with_wrong_check_character(code: str) -> str:
    last = code[-1]
    return code[:-1] + next(char for char in ALPHABET if char != last)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Thị Ánh Tuyết", "Nguyễn T. Á. Tuyết"),
        ("Đặng Hữu Phước", "Đặng H. Phước"),
        ("Lê Hà", "Lê Hà"),
        ("H'Hen Niê", "H'Hen Niê"),
        ("Ánh", "Ánh"),
    ],
)
def test_names_are_partly_masked(name, masked):
    assert name_mask(name) == masked


def test_valid_certificate_shows_who_what_when_and_by_whom(client, certificate):
    response = client.get(verify_url(certificate.code))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in page
    assert "Nguyễn T. Á. Tuyết" in page
    assert NAME not in page
    assert certificate.course_title in page
    assert certificate.issued_on.strftime("%d/%m/%Y") in page
    assert certificate.issuer_name in page
    assert certificate.code in page
    assert response["X-Robots-Tag"] == "noindex"


def test_revoked_certificate_says_so_and_why(client, certificate, official):
    certificate_revoke(
        certificate=certificate,
        revoked_by=official(),
        reason="Cấp nhầm người, đã cấp lại cho đúng người học.",
    )

    response = client.get(verify_url(certificate.code))

    page = response.content.decode()
    assert response.status_code == 200
    assert "has been revoked and is no longer valid" in page
    assert "Cấp nhầm người, đã cấp lại cho đúng người học." in page
    assert "This certificate is valid." not in page


def test_unknown_code_is_a_plain_404(client, certificate):
    response = client.get(verify_url(unknown_code(certificate.code)))

    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()
    assert certificate.course_title not in response.content.decode()


@pytest.mark.parametrize("code", ["ABC", "7KCX2-MR9TF-4HVNDX", "xin-chao", "A" * 80])
def test_malformed_code_is_a_plain_404(client, db, code):
    response = client.get(verify_url(code))

    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_wrong_check_character_is_refused_without_a_lookup(client, certificate):
    wrong = with_wrong_check_character(certificate.code)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(verify_url(wrong))

    assert response.status_code == 404
    assert not [q for q in queries if "certificates_certificate" in q["sql"]]


def test_a_code_typed_loosely_redirects_to_its_page(client, certificate):
    loose = certificate.code.lower().replace("-", "")

    response = client.get(verify_url(loose))

    assert response.status_code == 301
    assert response["Location"] == verify_url(certificate.code)


def test_guessing_codes_is_rate_limited(client, certificate):
    for _attempt in range(MISSES_ALLOWED):
        assert client.get(verify_url(unknown_code(certificate.code))).status_code == 404

    blocked = client.get(verify_url(certificate.code))
    api_blocked = client.get(
        reverse("certificates:api_verify", args=[certificate.code])
    )

    assert blocked.status_code == 429
    assert api_blocked.status_code == 429
    assert api_blocked.json() == {"status": "rate_limited"}


def test_a_crowd_scanning_one_code_is_answered_from_the_cache(
    client, certificate, django_assert_num_queries
):
    first = client.get(verify_url(certificate.code))

    with django_assert_num_queries(0):
        again = client.get(verify_url(certificate.code))

    assert again.status_code == 200
    assert again[CACHED_HEADER] == "hit"
    assert again.content == first.content
    assert again["X-Robots-Tag"] == "noindex"


def test_a_revocation_shows_at_once_on_a_cached_page(
    client, certificate, official, django_capture_on_commit_callbacks
):
    assert "This certificate is valid." in client.get(
        verify_url(certificate.code)
    ).content.decode("utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate, revoked_by=official(), reason="Cấp nhầm"
        )
    page = client.get(verify_url(certificate.code)).content.decode()

    assert "has been revoked and is no longer valid" in page
    assert "This certificate is valid." not in page


def test_a_blocked_guesser_gets_no_cached_page_either(client, certificate):
    assert client.get(verify_url(certificate.code)).status_code == 200
    for _attempt in range(MISSES_ALLOWED):
        client.get(verify_url(unknown_code(certificate.code)))

    blocked = client.get(verify_url(certificate.code))
    elsewhere = client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.9")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 200
    assert elsewhere[CACHED_HEADER] == "hit"


def test_valid_lookups_are_never_counted(client, certificate):
    for _attempt in range(MISSES_ALLOWED + 5):
        assert client.get(verify_url(certificate.code)).status_code == 200


def test_other_addresses_are_not_blocked_by_a_guesser(client, certificate):
    for _attempt in range(MISSES_ALLOWED):
        client.get(verify_url("ABC"), REMOTE_ADDR="203.0.113.9")

    assert client.get(verify_url(certificate.code)).status_code == 200


def test_typed_code_on_the_form_opens_its_page(client, certificate):
    typed = " " + certificate.code.lower().replace("-", " ") + " "

    response = client.get(reverse("certificates:verify_form"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)


def test_form_explains_a_mistyped_code(client, certificate):
    wrong = with_wrong_check_character(certificate.code)

    response = client.get(reverse("certificates:verify_form"), {"code": wrong})

    assert response.status_code == 200
    assert "This is not a certificate code." in response.content.decode()


def test_empty_form_page_invites_a_code(client, db):
    response = client.get(reverse("certificates:verify_form"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    # Residents see no developer notes; the JSON API is in certificates/README.md.
    assert "JSON" not in response.content.decode()


def test_api_answers_valid_certificates_in_json(client, certificate):
    response = client.get(reverse("certificates:api_verify", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "code": certificate.code,
        "status": "valid",
        "recipient": "Nguyễn T. Á. Tuyết",
        "course": certificate.course_title,
        "issued_on": certificate.issued_on.isoformat(),
        "issuer": certificate.issuer_name,
        "signer": {"name": "", "title": ""},
        "revoked_on": None,
        "revocation_reason": None,
        "verification_url": f"http://testserver{verify_url(certificate.code)}",
    }


def test_api_reports_revocation(client, certificate, official):
    certificate_revoke(certificate=certificate, revoked_by=official(), reason="Sai")

    data = client.get(
        reverse("certificates:api_verify", args=[certificate.code])
    ).json()

    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Sai"
    assert data["revoked_on"] is not None


@pytest.mark.parametrize("kind", ["unknown", "malformed", "wrong_check"])
def test_api_answers_404_for_codes_that_are_not_certificates(client, certificate, kind):
    code = {
        "unknown": unknown_code(certificate.code),
        "malformed": "XYZ",
        "wrong_check": with_wrong_check_character(certificate.code),
    }[kind]

    response = client.get(reverse("certificates:api_verify", args=[code]))

    assert response.status_code == 404
    assert response.json() == {"status": "not_found"}


def test_revoking_needs_a_reason_and_happens_once(certificate, official):
    from django.core.exceptions import ValidationError

    revoker = official()
    with pytest.raises(ValidationError, match="Say why"):
        certificate_revoke(certificate=certificate, revoked_by=revoker, reason="  ")
    certificate_revoke(certificate=certificate, revoked_by=revoker, reason="Sai tên")
    with pytest.raises(ValidationError, match="already revoked"):
        certificate_revoke(certificate=certificate, revoked_by=revoker, reason="Lại")
    assert Certificate.objects.get(pk=certificate.pk).revocation_reason == "Sai tên"
