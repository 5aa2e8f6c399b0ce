"""The "H5P" menu of the Wagtail admin.

- Packages: list, upload, inspect.
- Activities: a package placed in lessons with its grading rules, and per activity
  the statistics (attempts, average score, questions most often answered wrong)
  and a download of its xAPI statements.
- Statements: the learning-record store, read-only, filtered by activity, verb
  and learner.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import (
    PermissionCheckedMixin,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
)

from quizzes.stats import (
    AssessmentStatsView,
    StatsHeaderButtonMixin,
    StatsListButtonMixin,
)

from .forms import H5PActivityForm, H5PUploadForm
from .models import H5PActivity, H5PPackage, XAPIStatement
from .permissions import statements_policy
from .selectors import (
    h5p_activity_get,
    h5p_activity_stats,
    h5p_learner_results,
    h5p_package_get,
    h5p_package_list,
    xapi_statement_list,
    xapi_statements_json,
)
from .services import h5p_activity_regrade, h5p_package_import


def local_datetime(value) -> str:
    """A time where the editor is (as the listings show it), not in UTC."""
    return date_format(localtime(value), "DATETIME_FORMAT")


def uploader_none_label():
    """Packages without an uploader were imported with ``manage.py import_h5p``."""
    return gettext("command line")


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
        started = timezone.now()
        try:
            package = h5p_package_import(
                file=form.cleaned_data["file"], uploaded_by=self.request.user
            )
        except ValidationError as error:
            self.rejection_reasons = error.messages
            form.add_error("file", _("Choose a corrected package."))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        if package.created_at < started:
            # The same bytes were imported before: the import answered with them.
            messages.warning(
                self.request,
                gettext(
                    "This package was already uploaded on %(date)s; "
                    "the earlier package is used."
                )
                % {"date": local_datetime(package.created_at)},
            )
            return redirect(reverse(self.inspect_url_name, args=[package.pk]))
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

    def get_uploaded_by_display_value(self):
        return self.object.uploaded_by or uploader_none_label()

    def get_created_at_display_value(self):
        return local_datetime(self.object.created_at)

    def get_file_display_value(self):
        return format_html(
            '<a href="{}" download>{}</a>', self.object.file.url, _("Download")
        )


class H5PPackageViewSet(ModelViewSet):
    """Packages listed, uploaded and inspected.

    Permissions come from :class:`h5p.permissions.H5PPackagePermissionPolicy`.
    """

    name = "h5p_packages"
    url_prefix = "h5p"
    model = H5PPackage
    pk_path_converter = "id"
    icon = "media"
    menu_label = _("Packages")
    create_template_name = "h5p/h5ppackage/upload.html"
    index_view_class = H5PPackageIndexView
    add_view_class = H5PUploadView
    inspect_view_class = H5PPackageInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "title",
        "original_name",
        "content_type",
        "main_library",
        Column(
            "uploaded_by",
            label=H5PPackage._meta.get_field("uploaded_by").verbose_name,
            accessor=lambda package: package.uploaded_by or uploader_none_label(),
        ),
        "created_at",
    ]
    list_per_page = 20
    inspect_view_fields = [
        "title",
        "original_name",
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


STATS_URL_NAME = "stats"
STATEMENTS_URL_NAME = "statements"


class H5PActivityIndexView(StatsListButtonMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("package")


class H5PActivityEditView(StatsHeaderButtonMixin, EditView):
    def save_instance(self):
        rules = ("package_id", "grading_method", "pass_mark")
        before = H5PActivity.objects.values(*rules).get(pk=self.object.pk)
        instance = super().save_instance()
        if any(before[rule] != getattr(instance, rule) for rule in rules):
            h5p_activity_regrade(activity=instance)
        return instance


class H5PActivityDeleteView(DeleteView):
    """Learners' statements are learning records: an activity with some stays."""

    def dispatch(self, request, *args, **kwargs):
        if XAPIStatement.objects.filter(activity_id=self.object.pk).exists():
            messages.error(
                request,
                gettext(
                    "“%(title)s” has results from learners, so it cannot be deleted. "
                    "Remove it from lessons instead."
                )
                % {"title": self.object.title},
            )
            return redirect(self.edit_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class H5PActivityStatsView(AssessmentStatsView):
    """Attempts, average score and the questions most often answered wrong."""

    model = H5PActivity
    template_name = "h5p/admin/activity_stats.html"
    index_label = _("H5P activities")
    statements_url_name = None

    def get_object(self, pk: int) -> H5PActivity:
        return h5p_activity_get(pk=pk)

    def get_stats(self):
        return h5p_activity_stats(activity=self.object)

    def get_learner_results(self):
        return h5p_learner_results(activity=self.object, viewer=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if statements_policy.user_has_permission(self.request.user, "view"):
            context["statements_url"] = reverse(
                self.statements_url_name, args=[self.object.pk]
            )
        return context


class XAPIStatementsDownloadView(PermissionCheckedMixin, View):
    """An activity's statements as one xAPI JSON array, for an LRS or analysis."""

    permission_policy = statements_policy
    permission_required = "view"

    def get(self, request, pk: int):
        activity = get_object_or_404(H5PActivity, pk=pk)
        response = StreamingHttpResponse(
            xapi_statements_json(xapi_statement_list(activity=activity)),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="xapi-statements-activity-{activity.pk}.json"'
        )
        return response


class H5PActivityViewSet(SnippetViewSet):
    """Activities: which package, graded how; with statistics."""

    admin_url_namespace = "h5p_activities"
    base_url_path = "h5p-activities"
    model = H5PActivity
    pk_path_converter = "id"
    icon = "tasks"
    menu_label = _("Activities")
    list_display = [
        "title",
        "package",
        "grading_method",
        "pass_mark",
        "max_attempts",
        "trusted",
        "updated_at",
    ]
    list_filter = ["grading_method", "trusted"]
    search_fields = ["title"]
    index_view_class = H5PActivityIndexView
    edit_view_class = H5PActivityEditView
    delete_view_class = H5PActivityDeleteView
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("package"),
            MultiFieldPanel(
                [
                    FieldPanel("grading_method"),
                    FieldPanel("pass_mark"),
                    FieldPanel("max_attempts"),
                    FieldPanel("trusted"),
                ],
                heading=_("Grading"),
            ),
        ],
        base_form_class=H5PActivityForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            stats_url_name=self.get_url_name(STATS_URL_NAME), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            stats_url_name=self.get_url_name(STATS_URL_NAME), **kwargs
        )

    @property
    def stats_view(self):
        return H5PActivityStatsView.as_view(
            index_url_name=self.get_url_name("list"),
            edit_url_name=self.get_url_name("edit"),
            statements_url_name=self.get_url_name(STATEMENTS_URL_NAME),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("stats/<id:pk>/", self.stats_view, name=STATS_URL_NAME),
            path(
                "statements/<id:pk>/",
                XAPIStatementsDownloadView.as_view(),
                name=STATEMENTS_URL_NAME,
            ),
        ]


class XAPIStatementInspectView(generic.InspectView):
    def get_statement_display_value(self):
        return format_html(
            "<pre>{}</pre>",
            json.dumps(self.object.statement, ensure_ascii=False, indent=2),
        )


class XAPIStatementViewSet(ModelViewSet):
    """The learning-record store: every statement kept, read-only."""

    name = "xapi_statements"
    url_prefix = "xapi-statements"
    model = XAPIStatement
    icon = "list-ul"
    menu_label = _("xAPI statements")
    inspect_view_enabled = True
    inspect_view_class = XAPIStatementInspectView
    copy_view_enabled = False
    list_display = [
        "stored_at",
        "user",
        "activity",
        "verb",
        "sub_content_id",
        "raw_score",
        "max_score",
        "scoring",
    ]
    list_filter = ["activity", "verb", "scoring"]
    search_fields = ["user__full_name", "user__username"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "statement_id",
        "stored_at",
        "user",
        "activity",
        "lesson",
        "verb",
        "sub_content_id",
        "raw_score",
        "max_score",
        "reported_raw",
        "reported_max",
        "scoring",
        "correct",
        "response",
        "timestamp",
        "statement",
    ]

    def get_queryset(self, request):
        return XAPIStatement.objects.select_related("user", "activity")

    def get_urlpatterns(self):
        # Statements are records of what happened: nobody adds, edits or deletes one.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
        ]


class H5PViewSetGroup(ViewSetGroup):
    """The "H5P" menu: packages, activities and the statements learners sent."""

    menu_label = _("H5P")
    menu_icon = "media"
    menu_order = 250
    items = (H5PPackageViewSet, H5PActivityViewSet, XAPIStatementViewSet)
