from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from quizzes.models import Quiz
from quizzes.viewsets import QuizViewSet

register_snippet(QuizViewSet)


@hooks.register("before_delete_snippet")
def keep_quizzes_with_attempts(request, instances):
    """Learners' attempts are learning records: a quiz someone took stays.

    Runs before both the single and the bulk delete of snippets.
    """
    ids = [instance.pk for instance in instances if isinstance(instance, Quiz)]
    if not ids:
        return None
    taken = list(
        Quiz.objects.filter(pk__in=ids, attempts__isnull=False)
        .distinct()
        .values_list("title", flat=True)
    )
    if not taken:
        return None
    messages.error(
        request,
        ngettext(
            "%(titles)s has attempts by learners, so it cannot be deleted. "
            "Remove it from lessons instead.",
            "%(titles)s have attempts by learners, so they cannot be deleted. "
            "Remove them from lessons instead.",
            len(taken),
        )
        % {"titles": ", ".join(f"“{title}”" for title in taken)},
    )
    return redirect(Quiz.snippet_viewset.get_url_name("list"))
