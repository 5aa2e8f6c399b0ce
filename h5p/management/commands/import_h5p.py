from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from h5p.services import h5p_package_import


class Command(BaseCommand):
    help = (
        "Import H5P packages (.h5p files). Prints one line per imported package "
        "and one line per reason a package is refused; exits non-zero if any is."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, files: list[Path], **options):
        refused = 0
        for path in files:
            try:
                with path.open("rb") as file:
                    package = h5p_package_import(file=file, uploaded_by=None)
            except OSError as error:
                refused += 1
                self.stderr.write(f"{path}: {error.strerror or error}")
                continue
            except ValidationError as error:
                refused += 1
                for message in error.messages:
                    self.stderr.write(f"{path}: {message}")
                continue
            self.stdout.write(
                _("Imported “%(title)s” (%(library)s), id %(id)s")
                % {
                    "title": package.title,
                    "library": package.main_library,
                    "id": package.pk,
                }
            )
        if refused:
            raise CommandError(
                ngettext(
                    "%(refused)s of %(total)s package was refused.",
                    "%(refused)s of %(total)s packages were refused.",
                    len(files),
                )
                % {"refused": refused, "total": len(files)},
                returncode=1,
            )
