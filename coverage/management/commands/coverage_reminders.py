from django.core.management.base import BaseCommand

from coverage.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the course-deadline reminders due today (run once a day)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
