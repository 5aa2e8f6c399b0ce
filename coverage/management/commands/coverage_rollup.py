"""Fetch every province's figures into the national site.

    LMS_ROLLUP_TOKEN_PHUTHO=… LMS_ROLLUP_TOKEN_DAKLAK=… \\
    manage.py coverage_rollup --source PHUTHO=https://hoc.phutho.example.vn \\
                              --source DAKLAK=https://hoc.daklak.example.vn

Each ``--source NAME=ADDRESS`` is a province's site and the name its token is
read under: the environment variable ``LMS_ROLLUP_TOKEN_<NAME>`` holds one of the
tokens that site lists in its ``LMS_ROLLUP_TOKENS``. Each export is fetched
(``/coverage/rollup/export.json`` on that site, HTTPS only), checked, and kept
as the province's roll-up for the year, replacing the previous one;
``/coverage/national/`` shows them. A source that fails is reported and the
others are still kept. Exit status: 0 every source kept, 1 some failed, 2 wrong
usage. Run it from cron, e.g. every night.
"""

import os
import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage import rollup

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def _source(value: str) -> tuple[str, str]:
    name, equals, address = value.partition("=")
    if not equals or not NAME.match(name) or not address:
        raise CommandError(
            _(
                "“%(value)s”: write a source as NAME=ADDRESS, the name in letters, "
                "digits and _ (e.g. PHUTHO=https://hoc.phutho.example.vn)."
            )
            % {"value": value},
            returncode=2,
        )
    return name.upper(), address


class Command(BaseCommand):
    help = "Fetch each province's coverage figures into this national site."
    # Tests hand in a fetch that asks the province's views in this process.
    stealth_options = ("fetch",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            required=True,
            metavar="NAME=ADDRESS",
            help="A province's site; its token is read from LMS_ROLLUP_TOKEN_<NAME>.",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="The year to fetch (this year by default).",
        )

    def handle(self, *args, **options):
        fetch = options.get("fetch") or rollup.rollup_fetch
        year = options["year"] or timezone.localdate().year
        if not 2020 <= year <= 2100:
            raise CommandError(_("The year must be from 2020 to 2100."), returncode=2)
        sources = [_source(value) for value in options["source"]]
        names = [name for name, _address in sources]
        if len(set(names)) != len(names):
            raise CommandError(_("Each source needs a name of its own."), returncode=2)
        failed = 0
        for name, address in sources:
            try:
                provinces = self._one(name, address, year, fetch)
            except (rollup.RollupError, ValidationError) as error:
                failed += 1
                message = " ".join(getattr(error, "messages", [str(error)]))
                self.stderr.write(f"{name}: {message}")
                continue
            self.stdout.write(
                _("%(name)s: %(provinces)s kept for %(year)s.")
                % {
                    "name": name,
                    "provinces": ", ".join(provinces) or _("no province"),
                    "year": year,
                }
            )
        if failed:
            raise CommandError(
                _("%(failed)s of %(total)s sources could not be kept.")
                % {"failed": failed, "total": len(sources)}
            )

    def _one(self, name: str, address: str, year: int, fetch) -> list[str]:
        token = os.environ.get(f"LMS_ROLLUP_TOKEN_{name}", "").strip()
        if not token:
            raise rollup.RollupError(
                _("No token: set LMS_ROLLUP_TOKEN_%(name)s.") % {"name": name}
            )
        url = rollup.export_url(address, year=year)
        export = rollup.rollup_read(fetch(url, token), year=year)
        stored = rollup.province_rollup_store(source=name, url=url, export=export)
        return [row.province.full_name for row in stored]
