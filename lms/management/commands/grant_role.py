"""Give or withdraw a role from the server's command line.

    manage.py grant_role 0912345678 province_official --province 79
    manage.py grant_role lan@example.vn commune_official --commune 26734
    manage.py grant_role 0912345678 team_leader --team 12
    manage.py grant_role 0912345678 commune_official --commune 26734 --withdraw

This is how a new site gets its first official (or the first of a province): the
person signs up on the site, then someone with access to the server runs this. It
uses the same services as the admin screens, so the grant is on the record (as done
from the command line). Exit status: 0 done (also when nothing needed doing),
1 refused (unknown person or place), 2 wrong usage (an unknown role, or a place
option the role does not take).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms import services
from lms.models import Commune, Province, RoleAssignment, User
from lms.models.users import Role
from lms.phone import phone_to_e164

# Teams belong to an app above this one; the role's own link leads to them.
Team = RoleAssignment.team.field.related_model

SCOPE_OPTION = {
    Role.PROVINCE_OFFICIAL: "province",
    Role.COMMUNE_OFFICIAL: "commune",
    Role.TEAM_LEADER: "team",
    Role.TEAM_MEMBER: "team",
}


def _person(identifier: str) -> User:
    identifier = identifier.strip()
    if "@" in identifier:
        person = User.objects.filter(email__iexact=identifier).first()
    else:
        try:
            person = User.objects.filter(phone=phone_to_e164(identifier)).first()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
    if person is None:
        raise CommandError(
            _(
                "Nobody has the phone number or email %(value)s. Ask them to sign "
                "up on the site first."
            )
            % {"value": identifier}
        )
    return person


def _place(option: str, value: str):
    value = value.strip()
    if option == "province":
        place = Province.objects.filter(code=value).first()
        message = _("No province has the code %(value)s.")
    elif option == "commune":
        place = Commune.objects.filter(code=value).first()
        message = _("No commune has the code %(value)s.")
    else:
        try:
            place = Team.objects.filter(pk=int(value)).first()
        except ValueError:
            place = None
        message = _("No team has the number %(value)s.")
    if place is None:
        raise CommandError(message % {"value": value})
    return place


class Command(BaseCommand):
    help = (
        "Give a person a role (or withdraw it with --withdraw): the very first "
        "official of a site is made this way."
    )

    def add_arguments(self, parser):
        parser.add_argument("person", help="Phone number or email of the account.")
        parser.add_argument("role", choices=Role.values, help="The role.")
        places = parser.add_mutually_exclusive_group()
        places.add_argument("--province", help="Province code, e.g. 79.")
        places.add_argument("--commune", help="Commune code, e.g. 26734.")
        places.add_argument("--team", help="Team number, as shown in the admin.")
        parser.add_argument(
            "--withdraw", action="store_true", help="Withdraw the role instead."
        )

    def handle(self, *args, **options):
        person = _person(options["person"])
        role = options["role"]
        needed = SCOPE_OPTION.get(role)
        given = next(
            (name for name in ("province", "commune", "team") if options[name]), None
        )
        if given != needed:
            raise CommandError(self._scope_hint(role, needed), returncode=2)
        scope = {"province": None, "commune": None, "team": None}
        if needed:
            scope[needed] = _place(needed, options[needed])
        try:
            if options["withdraw"]:
                changed = services.role_withdraw(
                    user=person, role=role, **scope, by=None
                )
            else:
                held = RoleAssignment.objects.filter(
                    user=person, role=role, **scope
                ).exists()
                services.role_grant(user=person, role=role, **scope, by=None)
                changed = not held
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        label = _("%(role)s for %(person)s") % {
            "role": self._label(role, scope),
            "person": person.display_name,
        }
        if options["withdraw"]:
            message = _("Withdrawn: %s") if changed else _("Not held: %s")
        else:
            message = _("Granted: %s") if changed else _("Already held: %s")
        style = self.style.SUCCESS if changed else self.style.NOTICE
        self.stdout.write(style(message % label))

    @staticmethod
    def _label(role: str, scope: dict) -> str:
        place = next((place for place in scope.values() if place is not None), None)
        if place is None:
            return str(Role(role).label)
        return f"{Role(role).label} ({place})"

    @staticmethod
    def _scope_hint(role: str, needed: str | None) -> str:
        label = Role(role).label
        if needed is None:
            return _("The role %(role)s takes no place.") % {"role": label}
        return _("The role %(role)s needs --%(option)s.") % {
            "role": label,
            "option": needed,
        }
