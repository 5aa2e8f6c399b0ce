"""``manage.py grant_role``: the very first official of a site, from the shell."""

from io import StringIO

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from lms.models import RoleAssignment, RoleChange, User
from lms.models.users import Role
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def run(*args) -> str:
    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


def exit_status(*args) -> int:
    """The status the shell sees for ``manage.py grant_role ...``.

    As ``run_from_argv`` does, minus closing the database connections at the end
    (that would end the test's transaction).
    """
    command = load_command_class(get_commands()["grant_role"], "grant_role")
    command._called_from_command_line = True
    parser = command.create_parser("manage.py", "grant_role")
    try:
        options = vars(parser.parse_args(args))
        command.execute(
            *options.pop("args", ()), stdout=StringIO(), stderr=StringIO(), **options
        )
    except SystemExit as exit:
        return exit.code
    except CommandError as error:
        return error.returncode
    return 0


def test_a_site_without_any_superuser_gets_its_first_province_official(client, db):
    from tests.factories import ProvinceFactory, UserFactory

    ProvinceFactory(code="79")
    first = UserFactory(phone="+84912345678", full_name="Trần Thị Đầu Tiên")
    assert not User.objects.filter(is_superuser=True).exists()

    output = run("0912 345 678", Role.PROVINCE_OFFICIAL, "--province", "79")

    assert "Granted: Province official (Thành phố Hồ Chí Minh)" in output
    assert RoleAssignment.objects.filter(
        user=first, role=Role.PROVINCE_OFFICIAL, province="79"
    ).exists()
    change = RoleChange.objects.get()
    assert change.by is None and change.via == RoleChange.Via.COMMAND
    client.force_login(first)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("roles:add")).status_code == 200


def test_grants_by_email_to_a_commune_and_to_a_team(world):
    run("TUYET@example.vn", Role.COMMUNE_OFFICIAL, "--commune", world.ben_thanh.code)
    run("tuyet@example.vn", Role.TEAM_LEADER, "--team", str(world.team_bt.pk))

    assert set(world.candidate.roles.values_list("role", flat=True)) == {
        Role.COMMUNE_OFFICIAL,
        Role.TEAM_LEADER,
    }


def test_granting_again_changes_nothing_and_says_so(world):
    args = ("0987654321", Role.TEAM_MEMBER, "--team", str(world.team_bt.pk))

    run(*args)
    output = run(*args)

    assert "Already held" in output
    assert world.candidate.roles.count() == 1
    assert RoleChange.objects.filter(user=world.candidate).count() == 1


def test_withdraw_takes_the_role_back_on_the_record(world):
    official = world.commune_official
    phone = official.phone

    output = run(phone, Role.COMMUNE_OFFICIAL, "--commune", "26734", "--withdraw")
    again = run(phone, Role.COMMUNE_OFFICIAL, "--commune", "26734", "--withdraw")

    assert "Withdrawn" in output and "Not held" in again
    assert not official.roles.filter(role=Role.COMMUNE_OFFICIAL).exists()
    assert not official.groups.filter(name="Officials").exists()
    assert (
        RoleChange.objects.filter(
            user=official, action=RoleChange.Action.WITHDRAWN
        ).count()
        == 1
    )


def test_content_editors_are_made_from_the_shell_too(world):
    run("0987654321", Role.CONTENT_EDITOR)

    world.candidate.refresh_from_db()
    assert world.candidate.is_staff
    assert world.candidate.roles.filter(role=Role.CONTENT_EDITOR).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("0911111111", Role.TEAM_MEMBER, "--team", "1"), "Ask them to sign up"),
        (("nobody@example.vn", Role.CONTENT_EDITOR), "Ask them to sign up"),
        (("12345", Role.CONTENT_EDITOR), "valid Vietnamese mobile number"),
        (("0987654321", Role.PROVINCE_OFFICIAL, "--province", "99"), "province"),
        (("0987654321", Role.COMMUNE_OFFICIAL, "--commune", "00000"), "commune"),
        (("0987654321", Role.TEAM_MEMBER, "--team", "99999999999999999999"), "team"),
        (("0987654321", Role.TEAM_MEMBER, "--team", "abc"), "team"),
    ],
)
def test_refusals_say_why_and_exit_1(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert exit_status(*args) == 1
    assert not world.candidate.roles.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("0987654321", "superhero"),
        ("0987654321", Role.COMMUNE_OFFICIAL),
        ("0987654321", Role.COMMUNE_OFFICIAL, "--province", "79"),
        ("0987654321", Role.CONTENT_EDITOR, "--commune", "26734"),
        ("0987654321", Role.TEAM_LEADER, "--team", "1", "--commune", "26734"),
    ],
)
def test_wrong_usage_exits_2(world, args):
    assert exit_status(*args) == 2
    assert not world.candidate.roles.exists()


def test_a_missing_place_option_names_it(world):
    with pytest.raises(CommandError, match="--commune"):
        run("0987654321", Role.COMMUNE_OFFICIAL)


def test_messages_are_in_vietnamese_on_a_vietnamese_server(world):
    with translation.override("vi"):
        output = run("0987654321", Role.TEAM_MEMBER, "--team", str(world.team_bt.pk))
        with pytest.raises(CommandError, match="Chưa ai có số điện thoại"):
            run("0911111111", Role.CONTENT_EDITOR)

    assert "Đã giao" in output
