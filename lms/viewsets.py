"""The staff screens of the Wagtail admin: roles, their record, and hamlets.

Who may use them and which rows each person sees is decided in
:mod:`lms.permissions`; :class:`ScopedPolicy` only answers Wagtail's permission
questions from it, so the admin's menus, buttons and views follow the same rule as
the rest of the site. Model permissions of Django's groups play no part here (the
"Officials" group only opens the admin: see :func:`lms.services.role_grant`).
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormMixin
from django_filters import (
    ChoiceFilter,
    DateFromToRangeFilter,
    ModelChoiceFilter,
    NumberFilter,
)
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy

from lms import audit, permissions, selectors, services
from lms.audit import audit_record
from lms.forms import RoleGrantForm
from lms.models import AuditEvent, Commune, Hamlet, RoleAssignment, RoleChange, User
from lms.models.users import Role
from lms.phone import phone_display
from lms.text import nfc

ALL_ACTIONS = frozenset({"add", "change", "delete", "view"})


class ScopedPolicy(BasePermissionPolicy):
    """Wagtail's permission questions, answered from the roles.

    ``may_use(user)`` says whether a person may use the model's screens at all,
    ``rows(user)`` which rows they see and act on, and ``actions`` which actions
    exist for anyone (a record is only ever viewed).
    """

    def __init__(
        self,
        model,
        *,
        may_use: Callable,
        rows: Callable,
        actions: frozenset[str] = ALL_ACTIONS,
    ):
        super().__init__(model)
        self.may_use, self.rows, self.actions = may_use, rows, actions

    def user_has_permission(self, user, action):
        return action in self.actions and self.may_use(user)

    def user_has_any_permission(self, user, actions):
        return bool(self.actions.intersection(actions)) and self.may_use(user)

    def users_with_any_permission(self, actions):
        if not self.actions.intersection(actions):
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(roles__role__in=permissions.ADMIN_ROLES)
        ).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self.rows(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.rows(user)


class ScopedIndexView(generic.IndexView):
    """A listing of the rows the viewer covers, searched without accents."""

    search_fields = ["search_key"]
    search_path = ""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view"]
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.search_by_key(queryset, self.search_query)


class ScopedObjectMixin:
    """A single-object view that finds only rows the viewer covers (404 otherwise).

    Someone who may not use the screens at all is refused before any row is looked
    up, so they learn nothing of which rows exist.
    """

    def setup(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_any_permission(
            request.user, ["change", "delete"]
        ):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "delete"]
        )


class AuditedIndexMixin:
    """A listing of people's personal data: each page shown is recorded in the audit
    log with the rows on it and the search that found them."""

    audit_subject = ""  # what AuditEvent.subject calls the rows
    audit_detail = ""  # which screen, for the log's detail

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.LIST,
            subject=self.audit_subject,
            subject_ids=[row.pk for row in context["object_list"]],
            detail=f"{self.audit_detail} q={self.search_query or ''}"[:300],
            request=self.request,
        )
        return context


class AuditedEditMixin:
    """The form of one person's data: opening it is recorded in the audit log."""

    audit_subject = ""

    def audit_commune_id(self, instance) -> int | None:
        """The commune the row belongs to, so a commune's officials see the event."""
        return None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            subject=self.audit_subject,
            subject_ids=[self.object.pk],
            commune_id=self.audit_commune_id(self.object),
            request=request,
        )
        return response


class ProtectedDeleteView(ScopedObjectMixin, generic.DeleteView):
    """Deleting a row that others still use says why it cannot be, not a 500."""

    protected_message = gettext_lazy(
        "“%(object)s” cannot be deleted while other records use it."
    )

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request, self.protected_message % {"object": self.object}
            )
            return redirect(self.index_url_name)


class ScopedModelViewSet(ModelViewSet):
    """A model's staff screens: only the views in ``views``, rows as the policy says."""

    # Ids past 64 bits are no id: 404, not a failing query (lms.converters).
    pk_path_converter = "id"

    views = ("index", "index_results", "add", "edit", "delete")
    inspect_view_enabled = False
    copy_view_enabled = False
    index_view_class = ScopedIndexView
    delete_view_class = ProtectedDeleteView

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("history", "usage", "add", "edit", "delete"):
            if name not in self.views:
                view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in self.views
        ]

    def get_permissions_to_register(self):
        # Group permissions would grant nothing here; do not offer them.
        return Permission.objects.none()


# Roles


def _role_choices(user) -> list[tuple[str, str]]:
    """The roles a person's lists can show: those they may give."""
    grantable = set(permissions.roles_grantable_by(user))
    return [(value, label) for value, label in Role.choices if value in grantable]


class RoleAssignmentFilterSet(WagtailFilterSet):
    role = ChoiceFilter(label=gettext_lazy("Role"), choices=Role.choices)
    commune = ModelChoiceFilter(
        label=gettext_lazy("Commune"),
        queryset=Commune.objects.none(),
        method="filter_commune",
    )

    class Meta:
        model = RoleAssignment
        fields = ["role", "commune"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the roles and communes that can appear in the viewer's list.
        self.filters["role"].extra["choices"] = _role_choices(request.user)
        self.filters["commune"].queryset = (
            permissions.communes_managed_by(request.user)
            .filter(
                Q(roleassignment__isnull=False)
                | Q(teams__role_assignments__isnull=False)
            )
            .distinct()
        )

    def filter_commune(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(commune=value) | Q(team__commune=value))


class RoleIndexView(ScopedIndexView):
    """Who holds which role in the viewer's places."""

    page_title = gettext_lazy("Roles")
    default_ordering = "-granted_at"
    filterset_class = RoleAssignmentFilterSet

    def get_base_queryset(self):
        return selectors.role_holder_list(viewer=self.request.user)

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.people_search(queryset, self.search_query, path="user__")

    @cached_property
    def add_item_label(self):
        return _("Grant a role")

    @cached_property
    def columns(self):
        person = self._get_title_column_class(TitleColumn)(
            "person",
            label=_("Person"),
            accessor="user.display_name",
            sort_key="user__full_name",
            get_url=lambda assignment: None,
        )
        return [
            person,
            Column(
                "phone",
                label=_("Phone number"),
                accessor=lambda assignment: phone_display(assignment.user.phone),
            ),
            Column("email", label=_("Email"), accessor="user.email"),
            Column(
                "role", label=_("Role"), accessor="get_role_display", sort_key="role"
            ),
            Column("place", label=_("Where"), accessor="place_label"),
            DateColumn("granted_at", label=_("Granted"), sort_key="granted_at"),
        ]

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                _("Withdraw"),
                url=reverse(self.delete_url_name, args=[instance.pk]),
                icon_name="bin",
                priority=30,
            )
        ]


class RoleGrantView(generic.CreateView):
    page_title = gettext_lazy("Grant a role")
    submit_button_label = gettext_lazy("Grant")
    submit_button_active_label = gettext_lazy("Granting…")

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Roles")},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        # A plain form: the assignment is made by the service, not by the form.
        return {**FormMixin.get_form_kwargs(self), "granter": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        self.already_held = RoleAssignment.objects.filter(
            user=data["person"], role=data["role"], **form.scope
        ).exists()
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        return services.role_grant(
            user=data["person"],
            role=data["role"],
            **self.form.scope,
            by=self.request.user,
            organisation=data.get("organisation", ""),
        )

    def get_success_message(self, instance):
        values = {
            "person": instance.user.display_name,
            "role": instance,
        }
        if self.already_held:
            return _("%(person)s already holds %(role)s.") % values
        return _("%(person)s now holds %(role)s.") % values

    def get_success_buttons(self):
        return []


class RoleWithdrawView(ScopedObjectMixin, generic.DeleteView):
    """Asks first, then withdraws through the service; a second tap changes nothing."""

    template_name = "lms/admin/role_withdraw.html"
    page_title = gettext_lazy("Withdraw a role")

    def get_queryset(self):
        return selectors.role_holder_list(viewer=self.request.user)

    def setup(self, request, *args, **kwargs):
        try:
            super().setup(request, *args, **kwargs)
        except Http404:
            if request.method != "POST":
                raise
            self.object = self.usage_url = self.usage = None

    def dispatch(self, request, *args, **kwargs):
        if self.object is None:
            messages.info(
                request,
                _("This role is not held any more, or is not one you manage."),
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    @property
    def confirmation_message(self):
        return _("Withdraw %(role)s from %(person)s?") % {
            "role": self.object,
            "person": self.object.user.display_name,
        }

    def get_success_message(self):
        return _("%(role)s was withdrawn from %(person)s.") % {
            "role": self.object,
            "person": self.object.user.display_name,
        }

    def delete_action(self):
        assignment = self.object
        services.role_withdraw(
            user=assignment.user,
            role=assignment.role,
            team=assignment.team,
            commune=assignment.commune,
            province=assignment.province,
            by=self.request.user,
        )


class RoleAssignmentViewSet(ScopedModelViewSet):
    model = RoleAssignment
    icon = "user"
    menu_label = gettext_lazy("Role holders")
    views = ("index", "index_results", "add", "delete")
    index_view_class = RoleIndexView
    add_view_class = RoleGrantView
    delete_view_class = RoleWithdrawView

    def get_form_class(self, for_update=False):
        return RoleGrantForm


class RoleChangeFilterSet(WagtailFilterSet):
    action = ChoiceFilter(
        label=gettext_lazy("Action"), choices=RoleChange.Action.choices
    )
    role = ChoiceFilter(label=gettext_lazy("Role"), choices=Role.choices)

    class Meta:
        model = RoleChange
        fields = ["action", "role"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["role"].extra["choices"] = _role_choices(request.user)


class RoleChangeIndexView(ScopedIndexView):
    """Every grant and withdrawal the viewer may read; nobody can change them."""

    page_title = gettext_lazy("Role changes")
    default_ordering = "-at"
    filterset_class = RoleChangeFilterSet

    def get_base_queryset(self):
        return selectors.role_change_list(viewer=self.request.user)

    @cached_property
    def columns(self):
        return [
            Column("at", label=_("When"), accessor="at", sort_key="at"),
            Column("action", label=_("Action"), accessor="get_action_display"),
            Column("role", label=_("Role"), accessor="get_role_display"),
            Column("person", label=_("Person"), accessor="user_name"),
            Column("place", label=_("Where"), accessor="place_label"),
            Column(
                "by",
                label=_("By"),
                accessor=lambda change: change.by_name or change.get_via_display(),
            ),
        ]


class RoleChangeViewSet(ScopedModelViewSet):
    model = RoleChange
    icon = "history"
    menu_label = gettext_lazy("Grants and withdrawals")
    views = ("index", "index_results")
    index_view_class = RoleChangeIndexView
    form_fields = []


class RolesGroup(ViewSetGroup):
    menu_label = gettext_lazy("Roles")
    menu_icon = "group"
    menu_order = 300
    items = (
        RoleAssignmentViewSet("roles"),
        RoleChangeViewSet("role_changes"),
    )


# The audit log


class AuditEventFilterSet(WagtailFilterSet):
    """The log read by person (what the rows were about, and which one), by staff
    member and by date."""

    subject = ChoiceFilter(
        label=gettext_lazy("About"),
        choices=audit.subject_choices,
        method="filter_subject",
    )
    record = NumberFilter(
        label=gettext_lazy("Record number"),
        method="filter_record",
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        error_messages={
            "invalid": gettext_lazy("Give the record's number, a whole number."),
            "min_value": gettext_lazy("No record has this number."),
            "max_value": gettext_lazy("No record has this number."),
            "max_decimal_places": gettext_lazy(
                "Give the record's number, a whole number."
            ),
        },
        help_text=gettext_lazy(
            "The number of the household, resident or other record: the events "
            "that read, exported or changed it."
        ),
    )
    actor = ModelChoiceFilter(
        label=gettext_lazy("Staff member"), queryset=User.objects.none()
    )
    action = ChoiceFilter(
        label=gettext_lazy("Action"), choices=AuditEvent.Action.choices
    )
    at = DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["subject", "record", "actor", "action", "at"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # The people whose roles the viewer sees: the staff of their places.
        self.filters["actor"].queryset = User.objects.filter(
            pk__in=permissions.role_assignments_managed_by(request.user).values(
                "user_id"
            )
        ).order_by("full_name", "pk")

    def filter_subject(self, queryset, name, value):
        return audit.events_about(queryset, value) if value else queryset

    def filter_record(self, queryset, name, value):
        if value is None:
            return queryset
        return audit.events_naming(queryset, int(value))


class CappedPaginator(WagtailPaginator):
    """Counts no further than ``limit`` rows. A province's log holds millions of
    events: counting them all would cost seconds on every page, while the newest
    ``limit`` that match are as far as anyone pages; a filter narrows the rest."""

    limit = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.limit].count()

    @cached_property
    def items_count_label(self) -> str:
        if self.count >= self.limit:
            return _("The newest %(count)s events (narrow the filters for others)") % {
                "count": f"{self.limit:,}".replace(",", ".")
            }
        return super().items_count_label


class AuditEventIndexView(ScopedIndexView):
    """Who read, exported or changed personal data; nobody can change the log.

    Exporting the log is itself written to it.
    """

    page_title = gettext_lazy("Audit log")
    default_ordering = "-at"
    paginator_class = CappedPaginator
    filterset_class = AuditEventFilterSet
    list_export = ["at", "actor_name", "action", "subject", "subject_ids", "detail"]
    export_headings = {
        "at": gettext_lazy("When"),
        "actor_name": gettext_lazy("By"),
        "action": gettext_lazy("Action"),
        "subject": gettext_lazy("What"),
        "subject_ids": gettext_lazy("Records"),
        "detail": gettext_lazy("Detail"),
        "ip_address": gettext_lazy("From"),
    }
    export_filename = "audit-log"

    def get_base_queryset(self):
        return permissions.audit_events_visible_to(self.request.user).select_related(
            "commune"
        )

    def get(self, request, *args, **kwargs):
        if self.is_export:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.EXPORT,
                subject="audit log",
                detail=request.GET.urlencode(),
                request=request,
            )
        return super().get(request, *args, **kwargs)

    @cached_property
    def columns(self):
        return [
            Column("at", label=_("When"), accessor="at", sort_key="at"),
            Column("by", label=_("By"), accessor="actor_name"),
            Column("action", label=_("Action"), accessor="get_action_display"),
            Column(
                "subject",
                label=_("What"),
                accessor=lambda event: audit.subject_label(event.subject),
            ),
            Column(
                "records",
                label=_("Records"),
                accessor=lambda event: (
                    ", ".join(event.subject_ids[:10])
                    + ("…" if len(event.subject_ids) > 10 else "")
                ),
            ),
            Column(
                "commune",
                label=_("Commune"),
                accessor=lambda event: event.commune.full_name if event.commune else "",
            ),
            Column("from", label=_("From"), accessor="ip_address"),
        ]


class AuditEventViewSet(ScopedModelViewSet):
    model = AuditEvent
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Audit log")
    add_to_admin_menu = True
    menu_order = 340
    views = ("index", "index_results")
    index_view_class = AuditEventIndexView
    form_fields = []


def audit_event_policy() -> ScopedPolicy:
    return ScopedPolicy(
        AuditEvent,
        may_use=permissions.can_read_audit_log,
        rows=permissions.audit_events_visible_to,
        actions=frozenset({"view"}),
    )


# Hamlets


class HamletForm(WagtailAdminModelForm):
    """A hamlet in a commune the person keeps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = permissions.communes_managed_by(self.for_user)
        self.fields["commune"].queryset = communes
        self.fields["commune"].error_messages["invalid_choice"] = _(
            "Choose a commune that you cover."
        )

    def clean_name(self):
        return nfc(self.cleaned_data["name"])


class HamletCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class HamletEditView(ScopedObjectMixin, generic.EditView):
    pass


class HamletIndexView(ScopedIndexView):
    """The hamlets a person keeps; apps add actions to each row.

    An app adds actions with the hook ``register_hamlet_listing_buttons``: a
    function of the viewer returning, once per page, a function of a hamlet that
    returns its buttons (community teams: "Import households").
    """

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__province")

    @cached_property
    def _extra_buttons(self):
        return [
            hook(self.request.user)
            for hook in hooks.get_hooks("register_hamlet_listing_buttons")
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for buttons_for in self._extra_buttons:
            buttons.extend(buttons_for(instance))
        return buttons


class HamletViewSet(ScopedModelViewSet):
    model = Hamlet
    icon = "home"
    menu_label = gettext_lazy("Hamlets")
    add_to_admin_menu = True
    menu_order = 310
    index_view_class = HamletIndexView
    add_view_class = HamletCreateView
    edit_view_class = HamletEditView
    list_display = ["name", "kind", "commune"]
    edit_handler = ObjectList(
        [FieldPanel("commune"), FieldPanel("name"), FieldPanel("kind")],
        base_form_class=HamletForm,
    )


def role_assignment_policy() -> ScopedPolicy:
    return ScopedPolicy(
        RoleAssignment,
        may_use=permissions.can_manage_roles,
        rows=permissions.role_assignments_managed_by,
        actions=frozenset({"add", "delete", "view"}),
    )


def role_change_policy() -> ScopedPolicy:
    return ScopedPolicy(
        RoleChange,
        may_use=permissions.can_manage_roles,
        rows=permissions.role_changes_visible_to,
        actions=frozenset({"view"}),
    )


def hamlet_policy() -> ScopedPolicy:
    return ScopedPolicy(
        Hamlet,
        may_use=permissions.can_manage_places,
        rows=permissions.hamlets_managed_by,
    )
