"""Wagtail admin screens for H5P packages: list, upload, inspect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .forms import H5PUploadForm
from .models import H5PPackage
from .selectors import h5p_package_get, h5p_package_list
from .services import h5p_package_import


class H5PPackageIndexView(generic.IndexView):
    def get_base_queryset(self):
        return h5p_package_list()


class H5PUploadView(generic.CreateView):
    """Upload form: imports the file, then shows the package or the reasons."""

    inspect_url_name = None
    page_title = _("Upload")
    submit_button_label = _("Upload")
    submit_button_active_label = _("Checking…")
    error_message = _("The H5P package was not accepted.")
    rejection_reasons: list[str] | tuple[()] = ()
    # A file input cannot be restored after a failed upload, so there is nothing
    # unsaved to warn about.
    has_unsaved_changes = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # The upload form is not a model form: the service creates the package.
        kwargs.pop("instance", None)
        return kwargs

    def form_valid(self, form):
        try:
            package = h5p_package_import(
                file=form.cleaned_data["file"], uploaded_by=self.request.user
            )
        except ValidationError as error:
            self.rejection_reasons = error.messages
            form.add_error("file", _("Choose a corrected package."))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        libraries = package.ordered_libraries()
        messages.success(
            self.request,
            ngettext(
                "“%(title)s” is ready: %(content_type)s (%(library)s), "
                "%(count)s library.",
                "“%(title)s” is ready: %(content_type)s (%(library)s), "
                "%(count)s libraries.",
                len(libraries),
            )
            % {
                "title": package.title,
                "content_type": package.content_type,
                "library": package.main_library,
                "count": len(libraries),
            },
        )
        return redirect(reverse(self.inspect_url_name, args=[package.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rejection_reasons"] = self.rejection_reasons
        return context


class H5PPackageInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        try:
            return h5p_package_get(pk=int(self.pk))
        except (H5PPackage.DoesNotExist, ValueError) as error:
            raise Http404 from error

    def get_libraries_display_value(self):
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} <small>({})</small></li>",
                (
                    (library, library.title)
                    for library in self.object.ordered_libraries()
                ),
            ),
        )

    def get_field_label(self, field_name, field):
        if field_name == "total_size":
            return _("Unpacked size")
        return super().get_field_label(field_name, field)

    def get_total_size_display_value(self):
        return filesizeformat(self.object.total_size)

    def get_file_display_value(self):
        return format_html(
            '<a href="{}" download>{}</a>', self.object.file.url, _("Download")
        )


class H5PPackageViewSet(ModelViewSet):
    """The "H5P" menu item: packages listed, uploaded and inspected.

    Permissions come from :class:`quizzes.h5p.permissions.H5PPackagePermissionPolicy`.
    """

    model = H5PPackage
    icon = "media"
    menu_label = _("H5P")
    add_to_admin_menu = True
    menu_order = 250
    create_template_name = "h5p/h5ppackage/upload.html"
    index_view_class = H5PPackageIndexView
    add_view_class = H5PUploadView
    inspect_view_class = H5PPackageInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "title",
        "content_type",
        "main_library",
        "uploaded_by",
        "created_at",
    ]
    list_per_page = 20
    inspect_view_fields = [
        "title",
        "content_type",
        "main_library",
        "libraries",
        "file_count",
        "total_size",
        "uploaded_by",
        "created_at",
        "sha256",
        "file",
    ]

    def get_form_class(self, for_update=False):
        return H5PUploadForm
