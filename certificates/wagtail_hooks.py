"""The "Certificate designs" screens of the Wagtail admin.

Editors design one certificate per course and see it as the PDF a person gets:
live in the preview panel while editing, and with "Preview PDF" on the listing
and the edit page (the latest draft, published or not). Officials issue and
revoke certificates on the site's own pages under /certificates/manage/.
"""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from certificates.design import design_preview_response
from certificates.models import CertificateTemplate

PREVIEW_PDF_URL_NAME = "preview_pdf"


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

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            _preview_button(self.preview_pdf_url_name, self.object),
        ]


class DesignPreviewPdfView(PermissionCheckedMixin, View):
    """The latest saved version of a design as a sample certificate PDF."""

    model = CertificateTemplate
    any_permission_required = ["add", "change", "publish"]

    def get(self, request, pk: int):
        template = get_object_or_404(CertificateTemplate, pk=pk)
        return design_preview_response(template.get_latest_revision_as_object())


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
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
            preview_pdf_url_name=self.get_url_name(PREVIEW_PDF_URL_NAME), **kwargs
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "preview-pdf/<int:pk>/",
                DesignPreviewPdfView.as_view(),
                name=PREVIEW_PDF_URL_NAME,
            ),
        ]


register_snippet(CertificateTemplateViewSet)
