"""The "Quizzes" screens of the Wagtail admin: the question pool and statistics."""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.views.generic import (
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
)

from quizzes import selectors
from quizzes.forms import QuizAdminForm
from quizzes.models import Quiz

STATS_URL_NAME = "stats"


def _stats_button(url_name: str, quiz: Quiz) -> Button:
    return Button(
        _("Statistics"),
        url=reverse(url_name, args=[quiz.pk]),
        icon_name="table",
        priority=15,
    )


class QuizIndexView(IndexView):
    stats_url_name = None

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            _stats_button(self.stats_url_name, instance),
        ]


class QuizEditView(EditView):
    stats_url_name = None

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            _stats_button(self.stats_url_name, self.object),
        ]


class QuizStatsView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Attempts, average score, pass rate and the questions most often missed."""

    model = Quiz
    any_permission_required = ["add", "change", "delete", "view"]
    template_name = "quizzes/admin/quiz_stats.html"
    page_title = gettext_lazy("Statistics")
    header_icon = "table"
    index_url_name = None
    edit_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Quiz, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Quizzes")},
            {
                "url": reverse(self.edit_url_name, args=[self.object.pk]),
                "label": self.object.title,
            },
            {"url": "", "label": _("Statistics")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quiz"] = self.object
        context["stats"] = selectors.quiz_stats(quiz=self.object)
        return context


class QuizViewSet(SnippetViewSet):
    """The "Quizzes" menu item: quizzes with their question pool, and statistics."""

    model = Quiz
    icon = "tasks"
    menu_label = gettext_lazy("Quizzes")
    add_to_admin_menu = True
    menu_order = 240
    list_display = ["title", "pass_mark", "max_attempts", "updated_at"]
    search_fields = ["title"]
    index_view_class = QuizIndexView
    edit_view_class = QuizEditView
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("intro"),
            MultiFieldPanel(
                [
                    FieldPanel("questions_per_attempt"),
                    FieldPanel("shuffle_choices"),
                    FieldPanel("pass_mark"),
                    FieldPanel("max_attempts"),
                    FieldPanel("retry_wait_minutes"),
                    FieldPanel("review_policy"),
                ],
                heading=gettext_lazy("Rules"),
            ),
            InlinePanel(
                "questions",
                heading=gettext_lazy("Question pool"),
                label=gettext_lazy("Question"),
                min_num=1,
                panels=[
                    FieldPanel("kind"),
                    FieldPanel("text"),
                    FieldPanel("image"),
                    FieldPanel("explanation"),
                    InlinePanel(
                        "choices",
                        heading=gettext_lazy("Choices"),
                        label=gettext_lazy("Choice"),
                        min_num=2,
                        panels=[
                            FieldPanel("text"),
                            FieldPanel("is_correct"),
                            FieldPanel("feedback"),
                        ],
                    ),
                ],
            ),
        ],
        base_form_class=QuizAdminForm,
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
        return QuizStatsView.as_view(
            index_url_name=self.get_url_name("list"),
            edit_url_name=self.get_url_name("edit"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("stats/<int:pk>/", self.stats_view, name=STATS_URL_NAME),
        ]
