import hashlib

from django.urls import reverse
from wagtail.models import Page

from certificates.models import Certificate
from certificates.services import certificate_revoke
from courses.models import LessonPage
from tests.certificates.helpers import complete, issue, pdf_text
from tests.certificates.test_pdf import qr_text
from tests.factories import UserFactory, add_course


def finish_course(client, course, django_capture_on_commit_callbacks):
    client.post(reverse("enroll", args=[course.pk]))
    for lesson in LessonPage.objects.child_of(course).order_by("path"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("lesson_complete", args=[lesson.pk]))


def test_completing_a_course_issues_the_certificate_at_once(
    learner_client, user, course, django_capture_on_commit_callbacks
):
    finish_course(learner_client, course, django_capture_on_commit_callbacks)

    certificate = Certificate.objects.get(user=user, course=course)
    assert certificate.source == Certificate.Source.COMPLETION
    assert user.full_name in pdf_text(certificate.pdf.open("rb").read())


def test_my_learning_links_to_the_pdf_and_it_is_the_stored_file(
    learner_client, user, course
):
    complete(user, course)
    certificate = issue(user, course)

    page = learner_client.get(reverse("my_learning")).content.decode()
    link = reverse("certificates:mine", args=[course.pk])
    first = learner_client.get(link)
    second = learner_client.get(link)

    assert "Download certificate (PDF)" in page and link in page
    assert first["Content-Type"] == "application/pdf"
    assert 'filename="chung-nhan-' in first["Content-Disposition"]
    body = b"".join(first.streaming_content)
    assert body == b"".join(second.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256


def test_my_learning_queries_stay_flat_with_certificates(
    learner_client, user, catalogue, django_assert_max_num_queries
):
    for number in range(6):
        course = add_course(catalogue, title=f"Khoá số {number}", lessons=1)
        complete(user, course)
        issue(user, course)

    with django_assert_max_num_queries(12):
        page = learner_client.get(reverse("my_learning"))

    assert page.content.decode().count("Download certificate (PDF)") == 6


def test_completed_course_page_links_to_the_certificate(learner_client, user, course):
    complete(user, course)

    page = learner_client.get(course.url).content.decode()

    assert reverse("certificates:mine", args=[course.pk]) in page


def test_a_learner_without_a_name_adds_it_then_gets_the_certificate(
    client, course, django_capture_on_commit_callbacks
):
    nameless = UserFactory(full_name="")
    client.force_login(nameless)
    finish_course(client, course, django_capture_on_commit_callbacks)
    assert not Certificate.objects.exists()
    mine = reverse("certificates:mine", args=[course.pk])

    assert "Get your certificate" in client.get(reverse("my_learning")).content.decode()
    assert "Add your full name" in client.get(mine).content.decode()
    refused = client.post(mine)
    nameless.full_name = "Phạm Thị Thu Hà"
    nameless.save()
    asked = client.post(mine)

    assert refused["Location"] == f"{reverse('profile')}?next={mine}"
    assert asked["Location"] == mine
    certificate = Certificate.objects.get(user=nameless, course=course)
    assert certificate.source == Certificate.Source.LEARNER
    assert client.get(mine)["Content-Type"] == "application/pdf"


def test_no_certificate_for_an_unfinished_course(learner_client, user, course):
    learner_client.post(reverse("enroll", args=[course.pk]))
    mine = reverse("certificates:mine", args=[course.pk])

    assert learner_client.get(mine).status_code == 404
    assert learner_client.post(mine).status_code == 404
    assert not Certificate.objects.exists()


def test_a_revoked_certificate_is_shown_as_revoked_to_its_holder(
    learner_client, user, course, official
):
    complete(user, course)
    certificate = issue(user, course)
    certificate_revoke(certificate=certificate, revoked_by=official(), reason="Sai")

    learning = learner_client.get(reverse("my_learning")).content.decode()
    page = learner_client.get(reverse("certificates:mine", args=[course.pk]))

    assert "Certificate revoked" in learning
    assert "has been revoked" in page.content.decode()
    assert page["Content-Type"].startswith("text/html")


def test_in_production_nginx_sends_the_pdf_to_its_holder_only(
    learner_client, user, course, nginx_sends_files
):
    complete(user, course)
    certificate = issue(user, course)
    stranger_certificate = issue(UserFactory(), course)

    for url in (
        reverse("certificates:mine", args=[course.pk]),
        reverse("certificates:download", args=[certificate.code]),
    ):
        response = learner_client.get(url)
        assert response["X-Accel-Redirect"] == f"/media/{certificate.pdf.name}"
        assert response.content == b""
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="chung-nhan-' in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private"
        assert response["X-Content-Type-Options"] == "nosniff"
    refused = learner_client.get(
        reverse("certificates:download", args=[stranger_certificate.code])
    )
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_another_learner_cannot_download_someone_elses_certificate(
    learner_client, course
):
    other = UserFactory()
    certificate = issue(other, course)

    response = learner_client.get(
        reverse("certificates:download", args=[certificate.code])
    )

    assert response.status_code == 404


def test_anonymous_visitors_are_asked_to_log_in_for_downloads(client, course, user):
    certificate = issue(user, course)

    for url in (
        reverse("certificates:download", args=[certificate.code]),
        reverse("certificates:mine", args=[course.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_certificate_survives_its_course_being_deleted(client, course, user):
    certificate = issue(user, course)

    Page.objects.get(pk=course.pk).delete()

    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    assert certificate.course_title in response.content.decode()


def test_without_a_configured_address_the_qr_code_points_where_the_site_runs(
    client, user, course, settings, tmp_path
):
    """In development the QR code follows the server's real host and port."""
    settings.LMS_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    complete(user, course)
    client.force_login(user)
    client.defaults["HTTP_HOST"] = "127.0.0.1:8765"
    client.post(reverse("certificates:mine", args=[course.pk]))

    certificate = Certificate.objects.get(user=user, course=course)
    assert qr_text(certificate.pdf.open("rb").read(), tmp_path) == (
        f"http://127.0.0.1:8765/certificates/verify/{certificate.code}/"
    )
