from django.core.management.base import BaseCommand

from coverage.figures import figures_rebuild


class Command(BaseCommand):
    help = "Recount every agency's and commune's coverage figures from the raw rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when staff exist and no figures are stored yet.",
        )

    def handle(self, *args, **options):
        from coverage.models import AgencyFigures, StaffMember

        if options["if_empty"] and (
            AgencyFigures.objects.exists() or not StaffMember.objects.exists()
        ):
            return

        def progress(what: str, done: int, total: int) -> None:
            self.stdout.write(f"{what}: {done}/{total}")

        figures_rebuild(progress=progress)
        self.stdout.write("Coverage figures rebuilt.")
