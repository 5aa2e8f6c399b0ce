"""The "Certificate designs" screens of the Wagtail admin.

Editors design one certificate per course and see it as the PDF a person gets:
live in the preview panel while editing, and with "Preview PDF" on the listing
and the edit page (the latest draft, published or not). Officials issue and
revoke certificates on the site's own pages under /certificates/manage/.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from certificates.design import design_preview_response
from certificates.models import CertificateTemplate
from certificates.services import certificates_before_design, design_reissue_start

PREVIEW_PDF_URL_NAME = "preview_pdf"
REISSUE_URL_NAME = "reissue"


def _preview_button(url_name: str, template: CertificateTemplate) -> Button:
    return Button(
        _("Preview PDF"),
        url=reverse(url_name, args=[template.pk]),
        icon_name="doc-full",
        priority=15,
        attrs={"target": "_blank", "rel": "noopener"},
    )


class DesignIndexView(IndexView):
    preview_pdf_url_name = None

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            _preview_button(self.preview_pdf_url_name, instance),
        ]


class DesignEditView(EditView):
    preview_pdf_url_name = None
    reissue_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = [
            *super().header_more_buttons,
            _preview_button(self.preview_pdf_url_name, self.object),
        ]
        waiting = certificates_before_design(template=self.object).count()
        if waiting and self.user_has_permission("publish"):
            buttons.append(
                Button(
                    ngettext(
                        "Reissue %(count)d certificate with this design",
                        "Reissue %(count)d certificates with this design",
                        waiting,
                    )
                    % {"count": waiting},
                    url=reverse(self.reissue_url_name, args=[self.object.pk]),
                    icon_name="doc-full",
                    priority=20,
                )
            )
        return buttons


class DesignReissueView(PermissionCheckedMixin, View):
    """Confirm, then reissue the certificates made before the design was live."""

    model = CertificateTemplate
    permission_required = "publish"
    edit_url_name = None

    def _context(self, template):
        return {
            "template": template,
            "waiting": certificates_before_design(template=template).count(),
            "edit_url": reverse(self.edit_url_name, args=[template.pk]),
            "page_title": _("Reissue certificates"),
            "header_icon": "doc-full",
        }

    def get(self, request, pk: int):
        template = get_object_or_404(CertificateTemplate, pk=pk)
        return render(
            request,
            "certificates/admin/reissue_confirm.html",
            self._context(template),
        )

    def post(self, request, pk: int):
        template = get_object_or_404(CertificateTemplate, pk=pk)
        try:
            waiting = design_reissue_start(template=template, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d certificate is being reissued with this design.",
                    "%(count)d certificates are being reissued with this design.",
                    waiting,
                )
                % {"count": waiting},
            )
        return redirect(self.edit_url_name, template.pk)


class DesignPreviewPdfView(PermissionCheckedMixin, View):
    """The latest saved version of a design as a sample certificate PDF."""

    model = CertificateTemplate
    any_permission_required = ["add", "change", "publish"]

    def get(self, request, pk: int):
        template = get_object_or_404(CertificateTemplate, pk=pk)
        return design_preview_response(template.get_latest_revision_as_object())


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    pk_path_converter = "id"
    icon = "doc-full"
    menu_label = gettext_lazy("Certificate designs")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["course", "title", "issuer_name", "live"]
    search_fields = ["title", "issuer_name", "signer_name"]
    index_view_class = DesignIndexView
    edit_view_class = DesignEditView
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            preview_pdf_url_name=self.get_url_name(PREVIEW_PDF_URL_NAME), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            preview_pdf_url_name=self.get_url_name(PREVIEW_PDF_URL_NAME),
            reissue_url_name=self.get_url_name(REISSUE_URL_NAME),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "preview-pdf/<id:pk>/",
                DesignPreviewPdfView.as_view(),
                name=PREVIEW_PDF_URL_NAME,
            ),
            path(
                "reissue/<id:pk>/",
                DesignReissueView.as_view(edit_url_name=self.get_url_name("edit")),
                name=REISSUE_URL_NAME,
            ),
        ]


register_snippet(CertificateTemplateViewSet)
