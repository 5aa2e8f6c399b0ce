from django.core.management.base import BaseCommand

from community_teams.figures import BATCH_SIZE, hamlet_figures_recount_all


class Command(BaseCommand):
    help = (
        "Recount every hamlet's figures of the community teams' reach from the "
        f"households, residents and visits, {BATCH_SIZE} hamlets at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when no figures are stored yet (after the upgrade that "
            "adds them, or on a new site with data loaded in bulk).",
        )

    def handle(self, *args, **options):
        from community_teams.models import HamletFigures, Household

        if options["if_empty"] and (
            HamletFigures.objects.exists() or not Household.objects.exists()
        ):
            return

        def progress(done, total):
            self.stdout.write(f"Hamlets counted: {done}/{total}")

        total = hamlet_figures_recount_all(on_progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Figures rebuilt for {total} hamlets."))
