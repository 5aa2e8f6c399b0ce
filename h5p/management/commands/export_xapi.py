"""Export stored xAPI statements as one JSON array (to a file or standard output)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from h5p.models import H5PActivity
from h5p.selectors import xapi_statement_list, xapi_statements_json


class Command(BaseCommand):
    help = (
        "Write the xAPI statements learners sent, oldest first, as a JSON array; "
        "filter by activity, learner and time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activity", type=int, help="H5P activity id")
        parser.add_argument("--user", type=int, help="learner (user) id")
        parser.add_argument(
            "--since", help="only statements stored at or after this ISO 8601 time"
        )
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(
        self, *args, activity=None, user=None, since=None, output=None, **options
    ):
        chosen = None
        if activity is not None:
            chosen = H5PActivity.objects.filter(pk=activity).first()
            if chosen is None:
                raise CommandError(f"There is no H5P activity with id {activity}.")
        moment = None
        if since:
            moment = parse_datetime(since)
            if moment is None:
                raise CommandError(
                    f"--since {since!r} is not a date and time such as "
                    "2026-01-31T00:00:00+07:00."
                )
        statements = xapi_statement_list(activity=chosen, user_id=user, since=moment)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                for chunk in xapi_statements_json(statements):
                    handle.write(chunk)
            self.stderr.write(f"{statements.count()} statements written to {output}.")
        else:
            for chunk in xapi_statements_json(statements):
                self.stdout.write(chunk, ending="")
            self.stdout.write("")
