"""The "Agencies", "Staff", "Assigned courses" and "Yearly targets" admin screens.

Province officials keep their province's agencies, rosters, assignments and
targets (:mod:`coverage.permissions`); each list shows only that province's rows,
and every page of named staff is audited.
"""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from coverage import permissions
from coverage.forms import AgencyForm, CourseAssignmentForm, StaffMemberForm, TargetForm
from coverage.models import Agency, CourseAssignment, StaffMember, Target
from lms.phone import phone_display
from lms.viewsets import (
    AuditedEditMixin,
    AuditedIndexMixin,
    ProtectedDeleteView,
    ScopedIndexView,
    ScopedModelViewSet,
    ScopedObjectMixin,
    ScopedPolicy,
)

# Agencies


class AgencyIndexView(ScopedIndexView):
    default_ordering = "path"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune", "parent")

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name",
                label=_("Name"),
                # The tree shows as indentation: sub-units under their agency.
                accessor=lambda agency: f"{'— ' * agency.depth}{agency.name}",
                sort_key="path",
                get_url=self.get_edit_url,
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("commune", label=_("Commune"), accessor="commune"),
        ]


class AgencyEditView(ScopedObjectMixin, generic.EditView):
    pass


class AgencyDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy(
        "“%(object)s” cannot be deleted while it has sub-units, staff or assigned "
        "courses: move or remove them first."
    )


class AgencyViewSet(ScopedModelViewSet):
    model = Agency
    icon = "site"
    menu_label = gettext_lazy("Agencies")
    add_to_admin_menu = True
    menu_order = 340
    list_per_page = 100
    index_view_class = AgencyIndexView
    edit_view_class = AgencyEditView
    delete_view_class = AgencyDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("province"),
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("parent"),
            FieldPanel("commune"),
        ],
        base_form_class=AgencyForm,
    )


def agency_policy() -> ScopedPolicy:
    return ScopedPolicy(
        Agency, may_use=permissions.keeps_agencies, rows=permissions.agencies_kept_by
    )


# Staff


class StaffFilterSet(WagtailFilterSet):
    agency = ModelChoiceFilter(
        label=gettext_lazy("Agency"), queryset=Agency.objects.none()
    )

    class Meta:
        model = StaffMember
        fields = ["agency", "category", "active"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["agency"].queryset = permissions.agencies_kept_by(
            request.user
        ).order_by("path")


class StaffIndexView(AuditedIndexMixin, ScopedIndexView):
    """The staff of the agencies an official keeps; each page read is audited."""

    audit_subject = "civil servants"
    audit_detail = "admin staff"

    filterset_class = StaffFilterSet
    default_ordering = "search_key"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("agency")

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "full_name",
                label=_("Full name"),
                accessor="full_name",
                sort_key="search_key",
                get_url=self.get_edit_url,
            ),
            Column("agency", label=_("Agency"), accessor="agency.name"),
            Column("category", label=_("Category")),
            Column("position", label=_("Position")),
            Column(
                "phone",
                label=_("Phone number"),
                accessor=lambda member: phone_display(member.phone),
            ),
            Column("email", label=_("Email")),
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Import a staff roster"),
                url=reverse("coverage_staff_import"),
                icon_name="upload",
            )
        ]


class StaffEditView(AuditedEditMixin, ScopedObjectMixin, generic.EditView):
    audit_subject = "civil servants"

    def audit_commune_id(self, instance) -> int | None:
        return instance.agency.commune_id


class StaffViewSet(ScopedModelViewSet):
    """The rosters, to read and correct; people join a roster through its import,
    which also gives each one an account to sign in with (one row is enough)."""

    model = StaffMember
    icon = "user"
    menu_label = gettext_lazy("Civil servants")
    add_to_admin_menu = True
    menu_order = 341
    list_per_page = 50
    views = ("index", "index_results", "edit")
    index_view_class = StaffIndexView
    edit_view_class = StaffEditView
    edit_handler = ObjectList(
        [
            FieldPanel("agency"),
            FieldPanel("full_name"),
            FieldRowPanel([FieldPanel("category"), FieldPanel("position")]),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
            FieldPanel("active"),
        ],
        base_form_class=StaffMemberForm,
    )


def staff_policy() -> ScopedPolicy:
    return ScopedPolicy(
        StaffMember,
        may_use=permissions.keeps_agencies,
        rows=lambda user: StaffMember.objects.filter(
            agency__in=permissions.agencies_kept_by(user)
        ),
    )


# Assignments and targets


class AssignmentIndexView(ScopedIndexView):
    search_fields = None
    default_ordering = "deadline"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "agency")


class AssignmentCreateView(generic.CreateView):
    def save_instance(self):
        assignment = self.form.save(commit=False)
        assignment.created_by = self.request.user
        assignment.save()
        return assignment


class AssignmentViewSet(ScopedModelViewSet):
    model = CourseAssignment
    icon = "date"
    menu_label = gettext_lazy("Assigned courses")
    add_to_admin_menu = True
    menu_order = 342
    index_view_class = AssignmentIndexView
    add_view_class = AssignmentCreateView
    edit_view_class = type(
        "AssignmentEditView", (ScopedObjectMixin, generic.EditView), {}
    )
    list_display = ["course", "agency", "category", "deadline"]
    edit_handler = ObjectList(
        [
            FieldPanel("province"),
            FieldPanel("course"),
            FieldPanel("agency"),
            FieldPanel("category"),
            FieldPanel("deadline"),
        ],
        base_form_class=CourseAssignmentForm,
    )


def assignment_policy() -> ScopedPolicy:
    return ScopedPolicy(
        CourseAssignment,
        may_use=permissions.keeps_agencies,
        rows=permissions.assignments_kept_by,
    )


class TargetIndexView(ScopedIndexView):
    search_fields = None
    default_ordering = "year"


class TargetViewSet(ScopedModelViewSet):
    model = Target
    icon = "pick"
    menu_label = gettext_lazy("Yearly targets")
    add_to_admin_menu = True
    menu_order = 343
    index_view_class = TargetIndexView
    edit_view_class = type("TargetEditView", (ScopedObjectMixin, generic.EditView), {})
    list_display = ["indicator", "year", "percent", "province"]
    edit_handler = ObjectList(
        [
            FieldPanel("province"),
            FieldPanel("indicator"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("percent")]),
        ],
        base_form_class=TargetForm,
    )


def target_policy() -> ScopedPolicy:
    return ScopedPolicy(
        Target,
        may_use=permissions.keeps_agencies,
        rows=lambda user: Target.objects.filter(
            province__in=permissions.provinces_kept_by(user)
        ),
    )
