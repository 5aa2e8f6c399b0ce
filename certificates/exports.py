"""A bulk issue's certificates as one ZIP file, streamed as it is written.

The PDFs are already compressed, so they are stored, not deflated: the archive
costs no CPU and starts downloading at once however many certificates it holds.
A ``list.csv`` inside names every person of the issue with their code or the
reason it failed.
"""

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from certificates import selectors
from certificates.models import BulkIssue
from lms.text import slugify_vi

# A fixed time stamp keeps the archive the same for the same certificates.
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


class _Chunks:
    """A write-only file whose contents are taken away as they are written."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED
    return info


def bulk_issue_zip(*, bulk_issue: BulkIssue) -> Iterator[bytes]:
    """Yield the ZIP of a bulk issue's certificates piece by piece."""
    sink = _Chunks()
    listing = io.StringIO()
    writer = csv.writer(listing)
    writer.writerow([_("Line"), _("Name"), _("Code"), _("Status"), _("Error")])
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        items = selectors.bulk_issue_items(bulk_issue=bulk_issue).iterator(
            chunk_size=500
        )
        for number, item in enumerate(items, start=1):
            certificate = item.certificate
            name = certificate.recipient_name if certificate else item.user.full_name
            revoked = certificate is not None and certificate.is_revoked
            writer.writerow(
                [
                    number,
                    name,
                    certificate.code if certificate else "",
                    _("Revoked") if revoked else item.get_status_display(),
                    item.error,
                ]
            )
            # A revoked certificate is listed but its PDF is handed out no more.
            if certificate is None or revoked:
                continue
            slug = (
                slugify_vi(certificate.recipient_name, max_length=60) or "certificate"
            )
            with certificate.pdf.open("rb") as handle:
                archive.writestr(
                    _entry(f"{slug}-{certificate.code}.pdf"), handle.read()
                )
            yield sink.take()
        archive.writestr(_entry("list.csv"), listing.getvalue().encode("utf-8-sig"))
    yield sink.take()
