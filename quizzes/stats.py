"""What editors see of an assessment's results, for quizzes and H5P activities.

Both kinds show the same figures (attempts, learners, average score, pass rate)
and the questions most often answered wrong, on an admin page of the same shape.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import (
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from lms.audit import audit_record
from lms.models import AuditEvent

# Percentages everywhere (learners' results and the admin) show one decimal only
# when there is one, in the reader's number format: "75", "33,3" in Vietnamese.
PERCENT_DECIMALS = -1


@dataclass
class MissedQuestion:
    """A question learners answered wrong; ``key`` names it in its assessment."""

    key: str
    text: str
    answered: int
    wrong: int

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered) if self.answered else 0


@dataclass
class AssessmentStats:
    """Finished attempts at one assessment, and who made them."""

    attempts: int
    learners: int
    learners_passed: int
    passed: int
    average_percent: float | None
    missed: list[MissedQuestion]

    @property
    def pass_rate(self) -> int | None:
        """The share of finished attempts that passed, in percent."""
        return round(100 * self.passed / self.attempts) if self.attempts else None


class AssessmentStatsView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """An admin page of one assessment's statistics.

    Subclasses name the ``model``, the ``template_name``, the label of the
    listing (``index_label``) and say how to load the object and its statistics.
    The viewset sets ``index_url_name`` and ``edit_url_name``.
    """

    any_permission_required = ["add", "change", "delete", "view"]
    page_title = _("Statistics")
    header_icon = "table"
    index_label = ""
    index_url_name = None
    edit_url_name = None

    def get_object(self, pk: int):
        raise NotImplementedError

    def get_stats(self) -> AssessmentStats:
        raise NotImplementedError

    learners_per_page = 50

    def get_learner_results(self) -> QuerySet:
        """Each learner the viewer may see who finished the assessment, annotated
        with ``attempt_count``, ``best_score``, ``has_passed`` and
        ``last_attempt_at``; listed a page at a time under the figures."""
        raise NotImplementedError

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        try:
            self.object = self.get_object(kwargs["pk"])
        except self.model.DoesNotExist as missing:
            raise Http404 from missing

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {
                "url": reverse(self.edit_url_name, args=[self.object.pk]),
                "label": self.object.title,
            },
            {"url": "", "label": _("Statistics")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["stats"] = self.get_stats()
        context["learner_page"] = Paginator(
            self.get_learner_results(), self.learners_per_page
        ).get_page(self.request.GET.get("p"))
        # Learners' names and results are personal data: each page read is logged.
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.LIST,
            subject="learner results",
            subject_ids=[row.pk for row in context["learner_page"]],
            detail=f"{self.model._meta.model_name} {self.object.pk}",
            request=self.request,
        )
        return context


class StatsListButtonMixin:
    """A visible "Statistics" button on each row of an assessment listing."""

    stats_url_name = None

    def get_list_buttons(self, instance):
        return [
            ListingButton(
                _("Statistics"),
                url=reverse(self.stats_url_name, args=[instance.pk]),
                icon_name="table",
                priority=5,
            ),
            *super().get_list_buttons(instance),
        ]


class StatsHeaderButtonMixin:
    """A visible "Statistics" button in the header of an assessment's edit page."""

    stats_url_name = None

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Statistics"),
                url=reverse(self.stats_url_name, args=[self.object.pk]),
                icon_name="table",
            ),
        ]
