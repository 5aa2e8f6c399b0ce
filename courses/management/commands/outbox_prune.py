"""Forget the answers to offline writes older than ``LMS_OUTBOX_RECEIPT_DAYS``.

manage.py outbox_prune            # run daily by deploy/systemd/lms-housekeeping.timer
manage.py outbox_prune --days 30
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import services


class Command(BaseCommand):
    help = _("Forget the answers to writes phones queued offline, once they are old.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.LMS_OUTBOX_RECEIPT_DAYS,
            help=_("Keep the answers of this many days (default: %(default)s)."),
        )

    def handle(self, *args, days: int, **options):
        if not 1 <= days <= 3650:
            raise CommandError(_("--days must be between 1 and 3650."))
        before = timezone.now() - timedelta(days=days)
        forgotten = services.outbox_receipts_prune(before=before)
        self.stdout.write(
            _("%(count)d answers older than %(days)d days forgotten.")
            % {"count": forgotten, "days": days}
        )
