from django.core.management.base import BaseCommand

from lms.places import admin_units_load


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 communes of the 2025 structure (idempotent)."
    )

    def handle(self, *args, **options):
        counts = admin_units_load()
        self.stdout.write(
            "Provinces created: {provinces_created}; communes created: "
            "{communes_created}, updated: {communes_updated}.".format(**counts)
        )
