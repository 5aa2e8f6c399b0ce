"""Editors reach the Wagtail admin through the site's own login page."""

from django.contrib.auth.models import Group

from tests.factories import UserFactory

from .conftest import PASSWORD, last_email_code


def test_admin_sends_anonymous_visitors_to_our_login(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_editor_reaches_the_admin_after_logging_in(client, email_user):
    email_user.groups.add(Group.objects.get(name="Editors"))
    login_page = client.get("/accounts/login/?next=/admin/")
    assert 'name="next" value="/admin/"' in login_page.content.decode()

    response = client.post(
        "/accounts/login/",
        {"login": email_user.email, "password": PASSWORD, "next": "/admin/"},
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_someone_without_admin_rights_is_told_so_without_a_redirect_loop(
    client, email_user
):
    client.force_login(email_user)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=/admin/", 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert "You are logged in as" in page
    assert any(
        "You do not have permission to access the admin." in str(message)
        for message in response.context["messages"]
    )


def test_editor_added_in_the_admin_confirms_the_address_at_first_login(client, db):
    """Accounts created in the Wagtail admin have no confirmed address yet."""
    editor = UserFactory(email="bientap@example.vn")
    editor.groups.add(Group.objects.get(name="Editors"))

    response = client.post(
        "/accounts/login/",
        {"login": editor.email, "password": PASSWORD, "next": "/admin/"},
    )

    assert response["Location"] == "/accounts/confirm-email/"
    response = client.post(
        "/accounts/confirm-email/", {"code": last_email_code(editor.email)}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
