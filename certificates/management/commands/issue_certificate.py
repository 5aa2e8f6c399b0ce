"""Issue one course's certificate to one person (or show the one they have).

    manage.py issue_certificate --user 0912345678 --course ky-nang-so --reason "..."

Uses the same service as every other way of issuing: one certificate per person
and course, rendered once and stored.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates import services
from certificates.models import Certificate
from lms.models import User
from lms.phone import phone_to_e164


def _user(identifier: str) -> User:
    identifier = identifier.strip()
    if "@" in identifier:
        user = User.objects.filter(email=identifier.lower()).first()
    else:
        try:
            phone = phone_to_e164(identifier)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = User.objects.filter(phone=phone).first()
    if user is None:
        raise CommandError(
            _("Nobody has the phone number or email %(value)s.") % {"value": identifier}
        )
    return user


def _course(slug: str):
    from courses.models import CoursePage

    courses = list(CoursePage.objects.filter(slug=slug))
    if not courses:
        raise CommandError(_("No course has the slug %(slug)s.") % {"slug": slug})
    if len(courses) > 1:
        paths = ", ".join(course.url_path for course in courses)
        raise CommandError(
            _("Several courses have the slug %(slug)s: %(paths)s.")
            % {"slug": slug, "paths": paths}
        )
    return courses[0]


class Command(BaseCommand):
    help = (
        "Issue a course's certificate to a person, or show the one they already "
        "have; prints the code and where the PDF is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Phone number or email.")
        parser.add_argument("--course", required=True, help="The course's slug.")
        parser.add_argument("--reason", default="", help="Why it is issued.")

    def handle(self, *args, **options):
        user = _user(options["user"])
        course = _course(options["course"])
        try:
            certificate, created = services.certificate_issue_or_get(
                user=user,
                course=course,
                source=Certificate.Source.COMMAND,
                reason=options["reason"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if created:
            self.stdout.write(
                self.style.SUCCESS(_("Issued %(code)s") % {"code": certificate.code})
            )
        elif certificate.is_revoked:
            self.stdout.write(
                _("Already issued %(code)s (revoked)") % {"code": certificate.code}
            )
        else:
            self.stdout.write(_("Already issued %(code)s") % {"code": certificate.code})
        # Field labels stay fixed so scripts can read the output.
        self.stdout.write(f"Name: {certificate.recipient_name}")
        self.stdout.write(f"Course: {certificate.course_title}")
        self.stdout.write(f"PDF: {_location(certificate)}")
        self.stdout.write(f"SHA-256: {certificate.pdf_sha256}")


def _location(certificate: Certificate) -> str:
    try:
        return certificate.pdf.path
    except NotImplementedError:
        # Remote storage (S3 and the like) has no local path, only a name.
        return certificate.pdf.name
