from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from demo.data import CONTENT_DIR, DemoContentError, demo_content_read
from demo.loader import demo_data_load


class Command(BaseCommand):
    help = (
        "Build the demo site from the data files in demo/content/: home page, "
        "catalogue, the Vietnamese courses with their quizzes, a person for every "
        "role and some progress, a community team's households and visits, the "
        "city's agencies with their civil servants, assigned courses and targets "
        "(idempotent). Demo accounts get a printed demo "
        "password only with DEBUG on or --with-passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="Give demo accounts the demo password even with DEBUG off.",
        )
        parser.add_argument(
            "--content",
            type=Path,
            default=CONTENT_DIR,
            metavar="DIR",
            help="Read the demo files from DIR (laid out as demo/content/) instead.",
        )

    def handle(self, *args, **options):
        # A fixed, printed password is only acceptable on a developer's machine.
        with_passwords = options["with_passwords"] or settings.DEBUG
        try:
            content = demo_content_read(options["content"])
            result = demo_data_load(with_passwords=with_passwords, content=content)
        except DemoContentError as error:
            count = len(error.problems)
            raise CommandError(
                f"The demo content has {count} problem{'s' if count > 1 else ''}; "
                "nothing was loaded:\n  " + "\n  ".join(error.problems)
            ) from None
        out = self.stdout

        made = ", ".join(f"{n} {what}" for what, n in result.created.items() if n)
        if made:
            out.write(self.style.SUCCESS(f"Demo data created: {made}."))
        else:
            out.write(self.style.SUCCESS("Demo data already present: nothing new."))

        out.write(f"\nHome page: {result.home.url}   Catalogue: {result.catalogue.url}")
        for course in result.courses:
            count = course.get_children().live().count()
            out.write(f"  - {course.title} ({count} lessons): {course.url}")

        login_url = reverse("account_login")
        out.write(f"\nDemo logins (log in at {login_url}; editors also at /admin/):")
        for login in result.logins:
            how = []
            if login.phone:
                how.append(f"phone {login.phone}")
            if login.email:
                how.append(f"email {login.email}")
            out.write(f"  {login.role:<18} {login.name:<17} {' / '.join(how)}")
            for page, what in login.sees:
                out.write(f"      {page:<18} {what}")
        if result.staff:
            out.write(
                f"\nThe agencies' {result.staff} civil servants sign in with the phone "
                "or email on their roster (admin: Civil servants)."
            )
        out.write(
            "\nPhone accounts log in with a one-time code: choose to receive a code, "
            "type the phone number, and read the 6-digit code in the server console "
            "(development sends no real SMS)."
        )
        if result.password:
            out.write(
                f"Every demo account also accepts the password: {result.password}\n"
                "(a fixed demo password: never load the demo on a public server)"
            )
        else:
            out.write(
                "Demo accounts have no password (DEBUG is off). Run again with "
                "--with-passwords to set the printed demo password, or use "
                "`manage.py changepassword <username>`."
            )
