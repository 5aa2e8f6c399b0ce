"""The "Teams" and "Households" screens of the Wagtail admin and the team chooser.

Officials create and change the teams of the communes they cover; who sees which
team is :func:`community_teams.permissions.teams_managed_by`. Commune officials and
team leaders keep the household lists of their hamlets
(:func:`community_teams.permissions.households_managed_by`) and import them.
"""

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import SnippetViewSet

from community_teams import services
from community_teams.forms import HouseholdForm, TeamForm
from community_teams.import_views import (
    RosterActionView,
    RosterImportView,
    RosterUploadView,
    roster_progress,
    roster_template,
)
from community_teams.models import Household, Skill, Team
from community_teams.permissions import (
    hamlets_managed_by,
    households_managed_by,
    may_keep_households,
    teams_managed_by,
)
from lms.choosers import ScopedChooserViewSet
from lms.models import Hamlet, RoleAssignment
from lms.models.users import Role
from lms.permissions import can_manage_places
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


class TeamIndexView(ScopedIndexView):
    def get_base_queryset(self):
        leaders = RoleAssignment.objects.filter(
            team=OuterRef("pk"), role=Role.TEAM_LEADER
        ).order_by("granted_at")
        return (
            super()
            .get_base_queryset()
            .select_related("commune", "hamlet__commune")
            .annotate(
                leader_name=Subquery(leaders.values("user__full_name")[:1]),
                member_count=Count("role_assignments", distinct=True),
            )
        )


class TeamEditView(ScopedObjectMixin, generic.EditView):
    pass


class TeamDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy(
        "“%(object)s” cannot be deleted while people hold roles in it: withdraw "
        "their roles first."
    )


class TeamViewSet(ScopedModelViewSet):
    model = Team
    icon = "group"
    menu_label = gettext_lazy("Teams")
    add_to_admin_menu = True
    menu_order = 320
    index_view_class = TeamIndexView
    edit_view_class = TeamEditView
    delete_view_class = TeamDeleteView
    list_display = [
        "name",
        "commune",
        "hamlet",
        Column("leader_name", label=gettext_lazy("Leader")),
        Column("member_count", label=gettext_lazy("Members")),
        "decision_number",
        "decision_date",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("commune"),
            FieldPanel("name"),
            FieldPanel("hamlet"),
            FieldRowPanel(
                [FieldPanel("decision_number"), FieldPanel("decision_date")],
                heading=gettext_lazy("Founding decision"),
            ),
        ],
        base_form_class=TeamForm,
    )


class TeamChooserViewSet(ScopedChooserViewSet):
    model = Team
    icon = "group"
    choose_one_text = gettext_lazy("Choose a team")
    choose_another_text = gettext_lazy("Choose another team")

    def scoped_queryset(self, user):
        return teams_managed_by(user).select_related("commune")

    def extra_columns(self):
        return [Column("commune", label=_("Commune"), accessor="commune.full_name")]


def team_policy() -> ScopedPolicy:
    return ScopedPolicy(Team, may_use=can_manage_places, rows=teams_managed_by)


team_chooser_viewset = TeamChooserViewSet("team_chooser")


class SkillViewSet(SnippetViewSet):
    """The skills teams guide residents in: editors add and retire them."""

    model = Skill
    icon = "tick-inverse"
    menu_label = gettext_lazy("Digital skills")
    add_to_admin_menu = True
    menu_order = 330
    list_display = ["name", "code", "order", "active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("order"),
        FieldPanel("active"),
    ]


# Households


class HouseholdFilterSet(WagtailFilterSet):
    hamlet = ModelChoiceFilter(
        label=gettext_lazy("Hamlet"), queryset=Hamlet.objects.none()
    )

    class Meta:
        model = Household
        fields = ["hamlet"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["hamlet"].queryset = hamlets_managed_by(
            request.user
        ).select_related("commune")


class HouseholdIndexView(AuditedIndexMixin, ScopedIndexView):
    """The households a commune official or team leader keeps; each page audited."""

    audit_subject = "household"
    audit_detail = "admin households"

    filterset_class = HouseholdFilterSet
    default_ordering = "search_key"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("hamlet__commune")
            .annotate(
                resident_count=Count(
                    "residents", filter=Q(residents__erased_at__isnull=True)
                )
            )
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "head_name",
                label=_("Head of household"),
                accessor="head_name",
                sort_key="search_key",
                get_url=self.get_edit_url,
            ),
            Column("house_number", label=_("House number")),
            Column("hamlet", label=_("Hamlet"), accessor="hamlet.name"),
            Column(
                "phone",
                label=_("Phone number"),
                accessor=lambda home: phone_display(home.phone),
            ),
            Column("resident_count", label=_("People")),
            DateColumn("updated_at", label=_("Changed"), sort_key="updated_at"),
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Import households"),
                url=reverse("households:import"),
                icon_name="upload",
            )
        ]


class HouseholdEditView(AuditedEditMixin, ScopedObjectMixin, generic.EditView):
    """Correct a household; the change bumps its version and is audited."""

    audit_subject = "household"

    def audit_commune_id(self, instance) -> int:
        return instance.hamlet.commune_id

    def save_instance(self):
        data = self.form.cleaned_data
        return services.household_update(
            by=self.request.user,
            household=self.object,
            head_name=data["head_name"],
            house_number=data["house_number"],
            phone=data["phone"],
            request=self.request,
        )


class HouseholdViewSet(ScopedModelViewSet):
    model = Household
    icon = "home"
    menu_label = gettext_lazy("Households")
    add_to_admin_menu = True
    menu_order = 315
    views = ("index", "index_results", "edit")
    list_per_page = 50
    index_view_class = HouseholdIndexView
    edit_view_class = HouseholdEditView
    edit_handler = ObjectList(
        [FieldPanel("head_name"), FieldPanel("house_number"), FieldPanel("phone")],
        base_form_class=HouseholdForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", RosterUploadView.as_view(), name="import"),
            path(
                "import/template.xlsx",
                roster_template,
                name="import_template",
            ),
            path("import/<id:pk>/", RosterImportView.as_view(), name="import_detail"),
            path("import/<id:pk>/progress/", roster_progress, name="import_progress"),
            path(
                "import/<id:pk>/<str:action>/",
                RosterActionView.as_view(),
                name="import_action",
            ),
        ]


def household_policy() -> ScopedPolicy:
    return ScopedPolicy(
        Household,
        may_use=may_keep_households,
        rows=households_managed_by,
        actions=frozenset({"change", "view"}),
    )
