from wagtail.snippets.models import register_snippet

from quizzes.viewsets import QuizViewSet

register_snippet(QuizViewSet)
