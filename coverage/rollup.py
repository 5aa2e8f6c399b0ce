"""The national roll-up: each province's counts, exported by its site and fetched
by the national one.

Every province runs its own deployment. Its site answers
``GET /coverage/rollup/export.json?year=YYYY`` to a caller holding one of its
roll-up tokens with the province's totals for the year, per commune and per top
agency: counts only, read from the summary tables, never a name, a phone number
or anything else about a person. The national site runs ``manage.py
coverage_rollup --source NAME=URL …``, which fetches each export
(:func:`rollup_fetch`), checks it (:func:`rollup_read`) and keeps it as one
:class:`~coverage.models.ProvinceRollup` per province and year
(:func:`province_rollup_store`); ``/coverage/national/`` lists them.

An export says which version of this layout it follows (``schema``); a site
reads only the version it knows, so a province and the nation running different
releases say so instead of adding up the wrong things.
"""

import datetime
import ipaddress
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams.models import HamletFigures
from community_teams.selectors import reach_figures
from coverage.models import Agency, AgencyFigures, CommuneFigures, ProvinceRollup
from coverage.models.agencies import PATH_STEP
from lms.models import Commune, Province

SCHEMA = 1
EXPORT_PATH = "/coverage/rollup/export.json"
# An export of the largest province (168 communes, a few hundred top agencies)
# is under 100 KB; anything far larger is not an export.
MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 60

STAFF_COUNTS = ("staff", "assigned", "finished", "overdue")
# The teams' reach, as community_teams.selectors.reach_figures sums it.
REACH_COUNTS = ("households", "households_reached", "residents", "residents_guided")
ONLINE_COUNTS = ("learners_finished_online", "certificates")
COUNTS = STAFF_COUNTS + REACH_COUNTS + ONLINE_COUNTS


class RollupError(Exception):
    """A province's export could not be fetched or read; the message says why."""


def _add(into: dict, row: dict, names) -> None:
    for name in names:
        into[name] += row[name]


# On the province's site ------------------------------------------------------


def rollup_export(*, year: int) -> dict:
    """The counts of every province this site has figures for, in ``year``.

    Civil servants' figures are those of ``year``; the teams' reach, residents'
    online learning and certificates are counted to date.
    """
    codes = (
        set(
            AgencyFigures.objects.filter(year=year)
            .values_list("province", flat=True)
            .distinct()
        )
        | set(CommuneFigures.objects.values_list("province", flat=True).distinct())
        | set(HamletFigures.objects.values_list("province", flat=True).distinct())
    )
    provinces = Province.objects.filter(pk__in=codes).order_by("pk")
    return {
        "schema": SCHEMA,
        "year": year,
        "generated_at": timezone.now().isoformat(),
        "provinces": [_province_export(province, year) for province in provinces],
    }


def _province_export(province: Province, year: int) -> dict:
    staff_sums = {name: Sum(name) for name in STAFF_COUNTS}
    figures = AgencyFigures.objects.filter(year=year, province=province)
    communes = {
        commune.pk: {
            "code": commune.pk,
            "name": commune.full_name,
            **dict.fromkeys(COUNTS, 0),
        }
        for commune in Commune.objects.filter(province=province).order_by("pk")
    }
    totals = dict.fromkeys(COUNTS, 0)

    def counted(code, row, names):
        _add(totals, row, names)
        if code in communes:
            _add(communes[code], row, names)

    for row in figures.values("commune").annotate(**staff_sums):
        counted(row["commune"], row, STAFF_COUNTS)
    reach = reach_figures(
        province_ids=[province.pk], group_by="commune", year=year, detail=False
    )
    for code, place in reach.items():
        counted(
            code, {name: getattr(place, name) for name in REACH_COUNTS}, REACH_COUNTS
        )
    for code, learners, certificates in CommuneFigures.objects.filter(
        province=province
    ).values_list("commune", "learners_finished", "certificates"):
        counted(
            code,
            {"learners_finished_online": learners, "certificates": certificates},
            ONLINE_COUNTS,
        )

    # The top agencies: every figure row's path starts with its top agency's.
    step = PATH_STEP + 1
    per_top = {
        int(row["top"].rstrip("/")): row
        for row in figures.annotate(top=Substr("path", 1, step))
        .values("top")
        .annotate(**staff_sums)
    }
    agencies = [
        {
            "id": agency.pk,
            "name": agency.name,
            "kind": agency.kind,
            **{
                name: per_top.get(agency.pk, {}).get(name) or 0 for name in STAFF_COUNTS
            },
        }
        for agency in Agency.objects.filter(
            province=province, parent__isnull=True
        ).order_by("name", "pk")
    ]
    return {
        "code": province.pk,
        "name": province.full_name,
        "totals": totals,
        "communes": list(communes.values()),
        "agencies": agencies,
    }


# On the national site --------------------------------------------------------


@dataclass
class ProvinceExport:
    """One province's part of an export, checked: known fields only."""

    code: str
    figures: dict


@dataclass
class Export:
    year: int
    generated_at: datetime.datetime
    provinces: list[ProvinceExport]


def export_url(address: str, *, year: int) -> str:
    """The export's address on a province's site, from the site's address.

    Only HTTPS carries the token, except to this machine (a tunnel, a test).
    """
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RollupError(
            _("“%(address)s” is not a site's address (https://…).")
            % {"address": address}
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise RollupError(
            _(
                "“%(address)s” is not HTTPS: the token would cross the network "
                "readable by anyone on the way."
            )
            % {"address": address}
        )
    path = parts.path.rstrip("/")
    if not path.endswith(EXPORT_PATH):
        path += EXPORT_PATH
    return f"{parts.scheme}://{parts.netloc}{path}?{urlencode({'year': year})}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def rollup_fetch(url: str, token: str) -> bytes:
    """GET a province's export with its token: the body, or why not."""
    request = urllib.request.Request(
        url,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return answer_read(response.status, response.read(MAX_BYTES + 1))
    except urllib.error.HTTPError as error:
        return answer_read(error.code, b"")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise RollupError(
            _("The site could not be reached: %(reason)s.")
            % {"reason": getattr(error, "reason", error)}
        ) from error


def answer_read(status: int, body: bytes) -> bytes:
    """The body of a province's answer, or why it is not an export."""
    if status == 401:
        raise RollupError(
            _(
                "The site refused the token (401): the token in "
                "LMS_ROLLUP_TOKEN_<NAME> must be one of that site's "
                "LMS_ROLLUP_TOKENS."
            )
        )
    if status != 200:
        raise RollupError(_("The site answered %(status)s.") % {"status": status})
    if len(body) > MAX_BYTES:
        raise RollupError(_("The answer is larger than any export; it was not read."))
    return body


def _count(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RollupError(
            _("%(where)s is not a count: %(value)r.") % {"where": where, "value": value}
        )
    return value


def _text(value, where: str, *, longest: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise RollupError(_("%(where)s is not a name.") % {"where": where})
    return value.strip()


def _counts(row, names, where: str) -> dict:
    if not isinstance(row, dict):
        raise RollupError(_("%(where)s is not a set of counts.") % {"where": where})
    return {name: _count(row.get(name), f"{where}: {name}") for name in names}


def rollup_read(body: bytes, *, year: int) -> Export:
    """Check an export and keep only what this version knows: the counts, the
    codes and names of communes and the names of agencies. Anything else the
    body carries is left behind, whatever it is."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RollupError(_("The answer is not JSON.")) from error
    if not isinstance(data, dict):
        raise RollupError(_("The answer is not an export."))
    if data.get("schema") != SCHEMA:
        raise RollupError(
            _(
                "The export is version %(theirs)s; this site reads version "
                "%(ours)s. Update the older of the two sites."
            )
            % {"theirs": data.get("schema"), "ours": SCHEMA}
        )
    if data.get("year") != year:
        raise RollupError(
            _("The export is for %(theirs)s, not %(ours)s.")
            % {"theirs": data.get("year"), "ours": year}
        )
    try:
        generated_at = datetime.datetime.fromisoformat(data.get("generated_at"))
    except (TypeError, ValueError) as error:
        raise RollupError(_("The export does not say when it was counted.")) from error
    if timezone.is_naive(generated_at):
        raise RollupError(_("The export's time has no time zone."))
    provinces = data.get("provinces")
    if not isinstance(provinces, list):
        raise RollupError(_("The export lists no provinces."))
    return Export(
        year=year,
        generated_at=generated_at,
        provinces=[_province_read(province) for province in provinces],
    )


def _province_read(data) -> ProvinceExport:
    if not isinstance(data, dict):
        raise RollupError(_("A province of the export is not a set of figures."))
    code = data.get("code")
    if not (isinstance(code, str) and len(code) == 2 and code.isdigit()):
        raise RollupError(
            _("A province's code is not two digits: %(code)r.") % {"code": code}
        )
    where = _("Province %(code)s") % {"code": code}
    communes = data.get("communes")
    agencies = data.get("agencies")
    if not isinstance(communes, list) or not isinstance(agencies, list):
        raise RollupError(
            _("%(where)s lists no communes or agencies.") % {"where": where}
        )
    kept_communes = []
    for commune in communes:
        commune_code = commune.get("code") if isinstance(commune, dict) else None
        if not (
            isinstance(commune_code, str)
            and len(commune_code) == 5
            and commune_code.isdigit()
        ):
            raise RollupError(
                _("%(where)s: a commune's code is not five digits: %(code)r.")
                % {"where": where, "code": commune_code}
            )
        here = f"{where}, {commune_code}"
        kept_communes.append(
            {
                "code": commune_code,
                "name": _text(commune.get("name"), here, longest=120),
                **_counts(commune, COUNTS, here),
            }
        )
    kept_agencies = []
    for agency in agencies:
        if not isinstance(agency, dict) or not isinstance(agency.get("id"), int):
            raise RollupError(
                _("%(where)s: an agency has no number.") % {"where": where}
            )
        here = f"{where}, {_('agency')} {agency['id']}"
        if agency.get("kind") not in Agency.Kind.values:
            raise RollupError(_("%(where)s: unknown kind of agency.") % {"where": here})
        kept_agencies.append(
            {
                "id": agency["id"],
                "name": _text(agency.get("name"), here, longest=200),
                "kind": agency["kind"],
                **_counts(agency, STAFF_COUNTS, here),
            }
        )
    return ProvinceExport(
        code=code,
        figures={
            "totals": _counts(data.get("totals"), COUNTS, where),
            "communes": kept_communes,
            "agencies": kept_agencies,
        },
    )


def province_rollup_store(
    *, source: str, url: str, export: Export, fetched_at=None
) -> list[ProvinceRollup]:
    """Keep each province of ``export`` as its roll-up for the year, replacing
    the one fetched before.

    Raises ``ValidationError`` when the export names a province this site does
    not have; nothing of that export is stored then.
    """
    fetched_at = fetched_at or timezone.now()
    codes = [province.code for province in export.provinces]
    known = set(Province.objects.filter(pk__in=codes).values_list("pk", flat=True))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ValidationError(
            _(
                "This site has no province %(codes)s: load the provinces first "
                "(manage.py load_admin_units)."
            )
            % {"codes": ", ".join(unknown)}
        )
    stored = []
    with transaction.atomic():
        for province in export.provinces:
            rollup, _created = ProvinceRollup.objects.update_or_create(
                province_id=province.code,
                year=export.year,
                defaults={
                    "source": source,
                    "source_url": url,
                    "schema": SCHEMA,
                    "generated_at": export.generated_at,
                    "fetched_at": fetched_at,
                    "figures": province.figures,
                },
            )
            stored.append(rollup)
    return stored


# The national page ---------------------------------------------------------------


@dataclass
class NationalRow:
    rollup: ProvinceRollup
    totals: dict

    @property
    def percent_trained(self) -> float | None:
        return _percent(self.totals["finished"], self.totals["staff"])

    @property
    def percent_reached(self) -> float | None:
        return _percent(self.totals["households_reached"], self.totals["households"])


@dataclass
class National:
    year: int
    rows: list[NationalRow]
    totals: dict

    @property
    def percent_trained(self) -> float | None:
        return _percent(self.totals["finished"], self.totals["staff"])

    @property
    def percent_reached(self) -> float | None:
        return _percent(self.totals["households_reached"], self.totals["households"])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def national_summary(*, year: int) -> National:
    """Every province's latest roll-up for ``year``, and the nation's totals."""
    rows = [
        NationalRow(rollup=rollup, totals=rollup.figures["totals"])
        for rollup in ProvinceRollup.objects.filter(year=year)
        .select_related("province")
        .order_by("province__name")
    ]
    totals = dict.fromkeys(COUNTS, 0)
    for row in rows:
        _add(totals, row.totals, COUNTS)
    return National(year=year, rows=rows, totals=totals)


def rollup_years() -> list[int]:
    return sorted(
        set(ProvinceRollup.objects.values_list("year", flat=True).distinct())
        | {timezone.localdate().year}
    )
