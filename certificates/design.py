"""What a course's certificate says and looks like, and turning that into a PDF.

A course's published :class:`~certificates.models.CertificateTemplate` gives the
design; a course without one gets :func:`default_design`. Certificates are always
rendered in Vietnamese (:data:`CERTIFICATE_LANGUAGE`) whatever language the person
who triggers the issue is using, so the same certificate never exists in two
languages.
"""

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.images import get_image_model

from certificates.codes import code_generate
from certificates.pdf import (
    LAYOUT_ADMINISTRATIVE,
    LAYOUT_CLASSIC,
    CertificateContent,
    certificate_pdf_render,
)
from lms.middleware import public_base_url

CERTIFICATE_LANGUAGE = "vi"
PREVIEW_NAME = "Nguyễn Thị Ánh Tuyết"
BAD_IMAGE_MESSAGE = gettext_lazy(
    "The logo or signature of this course's certificate design cannot be read; "
    "ask an editor to upload it again as PNG or JPEG."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    title: str
    body: str
    issuer_name: str
    signer_name: str
    signer_title: str
    hours: Decimal | None = None
    signature_image: bytes | None = None
    logo_image: bytes | None = None
    accent_colour: str = "#0B5394"
    layout: str = LAYOUT_CLASSIC
    place: str = ""


def default_design() -> Design:
    """The design of a course whose editors have not published one.

    It is laid out as a Vietnamese administrative document, issued by the body
    and place a province sets (``LMS_CERTIFICATE_ISSUER``, ``LMS_CERTIFICATE_PLACE``).
    Call inside ``translation.override(CERTIFICATE_LANGUAGE)``.
    """
    return Design(
        title=_("CERTIFICATE OF COMPLETION"),
        body=_("has completed the course {course}"),
        issuer_name=settings.LMS_CERTIFICATE_ISSUER or str(settings.WAGTAIL_SITE_NAME),
        signer_name="",
        signer_title="",
        layout=LAYOUT_ADMINISTRATIVE,
        place=settings.LMS_CERTIFICATE_PLACE,
    )


@functools.lru_cache(maxsize=16)
def _image_bytes(name: str) -> bytes:
    # Bulk issuing draws the same images thousands of times; a replaced image
    # gets a new file name, so the name is a safe cache key.
    storage = get_image_model()._meta.get_field("file").storage
    with storage.open(name, "rb") as handle:
        return handle.read()


def _image(image) -> bytes | None:
    if image is None:
        return None
    try:
        return _image_bytes(image.file.name)
    except OSError as error:
        raise ValidationError(BAD_IMAGE_MESSAGE, code="bad_design") from error


def design_from_template(template) -> Design:
    return Design(
        title=template.title,
        body=template.body,
        issuer_name=template.issuer_name,
        signer_name=template.signer_name,
        signer_title=template.signer_title,
        hours=template.hours,
        signature_image=_image(template.signature_image),
        logo_image=_image(template.logo_image),
        accent_colour=template.accent_colour,
        layout=template.layout,
        place=template.place,
    )


def design_for(*, course) -> Design:
    """The published design of ``course``, or the built-in one."""
    from certificates.models import CertificateTemplate

    template = (
        CertificateTemplate.objects.filter(course_id=course.pk, live=True)
        .select_related("signature_image", "logo_image")
        .first()
    )
    if template is None:
        return default_design()
    return design_from_template(template)


def verification_url(code: str) -> str:
    """The public address printed in the QR code; it must never change."""
    return public_base_url() + reverse("certificates:verify", args=[code])


def design_render(
    *,
    design: Design,
    recipient_name: str,
    course_title: str,
    issued_on: date,
    code: str,
    sample: bool = False,
) -> bytes:
    """Render one certificate; call inside the certificate language.

    ``sample`` marks the page "MẪU" across: for editors' previews only.
    """
    return certificate_pdf_render(
        data=CertificateContent(
            recipient_name=recipient_name,
            course_title=course_title,
            issued_on=issued_on,
            hours=design.hours,
            issuer_name=design.issuer_name,
            signer_name=design.signer_name,
            signer_title=design.signer_title,
            title=design.title,
            body_template=design.body,
            code=code,
            verification_url=verification_url(code),
            signature_image=design.signature_image,
            logo_image=design.logo_image,
            accent_colour=design.accent_colour,
            layout=design.layout,
            place=design.place,
            sample=sample,
        )
    )


def design_preview_pdf(template) -> bytes:
    """A sample certificate with ``template`` as it stands (saved or not)."""
    with translation.override(CERTIFICATE_LANGUAGE):
        course = template.course if template.course_id else None
        return design_render(
            design=design_from_template(template),
            recipient_name=PREVIEW_NAME,
            course_title=course.title if course else _("Course title"),
            issued_on=timezone.localdate(),
            code=code_generate(),
            sample=True,
        )


def design_sample_pdf(*, course, recipient_name: str) -> bytes:
    """What ``course``'s certificate for ``recipient_name`` will look like, as a
    sample ("MẪU" across), before it is issued."""
    with translation.override(CERTIFICATE_LANGUAGE):
        return design_render(
            design=design_for(course=course),
            recipient_name=recipient_name,
            course_title=course.title,
            issued_on=timezone.localdate(),
            code=code_generate(),
            sample=True,
        )


def design_preview_response(template) -> HttpResponse:
    try:
        pdf = design_preview_pdf(template)
    except (ValueError, ValidationError):
        # An unreadable image: say so in the preview instead of failing.
        return HttpResponse(
            str(BAD_IMAGE_MESSAGE), content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="preview.pdf"'},
    )
