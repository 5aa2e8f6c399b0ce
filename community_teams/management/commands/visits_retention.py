"""Anonymise what visits older than ``LMS_VISIT_RETENTION_YEARS`` hold about people
(:mod:`community_teams.retention`); run daily by deploy/systemd/lms-housekeeping.

    manage.py visits_retention
    manage.py visits_retention --years 3
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community_teams.retention import retention_cutoff, visits_anonymise


class Command(BaseCommand):
    help = _("Anonymise what old visits hold about people; the figures stay.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=settings.LMS_VISIT_RETENTION_YEARS,
            help=_("Visits older than this many years (default: %(default)s)."),
        )

    def handle(self, *args, years: int, **options):
        if not 1 <= years <= 100:
            raise CommandError(_("--years must be between 1 and 100."))
        before = retention_cutoff(years)
        result = visits_anonymise(before=before)
        self.stdout.write(
            _(
                "Visits before %(day)s: %(notes)d notes emptied, %(people)d residents "
                "no longer named in them."
            )
            % {
                "day": before.strftime("%d/%m/%Y"),
                "notes": result.visits_cleared,
                "people": result.residents_dissociated,
            }
        )
