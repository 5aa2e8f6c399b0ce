"""The "Quizzes" screens of the Wagtail admin: the question pool and statistics."""

from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
)

from quizzes import selectors
from quizzes.forms import QuizAdminForm
from quizzes.models import Quiz
from quizzes.stats import (
    AssessmentStatsView,
    StatsHeaderButtonMixin,
    StatsListButtonMixin,
)

STATS_URL_NAME = "stats"


class QuizIndexView(StatsListButtonMixin, IndexView):
    pass


class QuizEditView(StatsHeaderButtonMixin, EditView):
    pass


class QuizStatsView(AssessmentStatsView):
    """Attempts, average score, pass rate and the questions most often missed."""

    model = Quiz
    template_name = "quizzes/admin/quiz_stats.html"
    index_label = gettext_lazy("Quizzes")

    def get_object(self, pk: int) -> Quiz:
        return Quiz.objects.get(pk=pk)

    def get_stats(self):
        return selectors.quiz_stats(quiz=self.object)

    def get_learner_results(self):
        return selectors.quiz_learner_results(
            quiz=self.object, viewer=self.request.user
        )


class QuizViewSet(SnippetViewSet):
    """The "Quizzes" menu item: quizzes with their question pool, and statistics."""

    model = Quiz
    pk_path_converter = "id"
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
                        help_text=gettext_lazy(
                            "For a true-or-false question, leave the two texts "
                            "empty: “True” and “False” are filled in. Tick the "
                            "correct one."
                        ),
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
            path("stats/<id:pk>/", self.stats_view, name=STATS_URL_NAME),
        ]
