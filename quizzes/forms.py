"""Forms: the editor's quiz form (pool rules) and reading a learner's answer sheet."""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.models import QuestionKind, choice_problems

ANSWER_FIELD = re.compile(r"^q(\d{1,18})$")
QUESTION_KIND_FIELD = re.compile(r"^questions-(\d{1,9})-kind$")


def answers_from_post(data: QueryDict) -> dict[int, list[int]]:
    """Read ``q<question id>`` fields (one value per picked choice) from a form post.

    Raises ``ValidationError`` when a value is not a choice number at all, which
    only a hand-made request can send.
    """
    answers: dict[int, list[int]] = {}
    for name in data:
        match = ANSWER_FIELD.match(name)
        if not match:
            continue
        try:
            answers[int(match[1])] = [int(value) for value in data.getlist(name)]
        except ValueError as error:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("An answer could not be read. Reload the quiz and try again.")
                    ]
                }
            ) from error
    return answers


def _kept_forms(formset):
    """Forms of a formset that will be saved: not deleted, not blank extras."""
    for form in formset.forms:
        # Validating here fills cleaned_data; Django caches the result, so the
        # formset's own validation later does not repeat the work.
        form.is_valid()
        if form.cleaned_data.get(DELETION_FIELD_NAME):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        yield form


def _true_false_choices_filled(data: QueryDict) -> QueryDict:
    """The posted quiz with "True" and "False" written into each true-or-false
    question's first two choices the editor left empty: the editor only ticks
    the correct one."""
    filled = data.copy()
    labels = (_("True"), _("False"))
    for name, kind in data.items():
        match = QUESTION_KIND_FIELD.match(name)
        if not match or kind != QuestionKind.TRUE_FALSE:
            continue
        prefix = f"questions-{match[1]}-choices"
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
        except ValueError:
            continue
        if total < len(labels):
            filled[f"{prefix}-TOTAL_FORMS"] = str(len(labels))
        for number, label in enumerate(labels):
            choice = f"{prefix}-{number}"
            if number >= total:
                filled[f"{choice}-id"] = ""
                filled[f"{choice}-ORDER"] = str(number + 1)
            if not filled.get(f"{choice}-text", "").strip():
                filled[f"{choice}-text"] = label
    return filled


class QuizAdminForm(WagtailAdminModelForm):
    """Checks the pool as a whole: each question's correct choices, and that an
    attempt does not draw more questions than the pool holds."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = _true_false_choices_filled(data)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        questions = self.formsets.get("questions")
        if questions is None:
            return cleaned
        pool = 0
        for question_form in _kept_forms(questions):
            pool += 1
            kind = question_form.cleaned_data.get("kind")
            choices = question_form.formsets.get("choices")
            if not kind or choices is None:
                continue
            flags = [
                bool(form.cleaned_data.get("is_correct"))
                for form in _kept_forms(choices)
            ]
            for problem in choice_problems(kind, flags):
                question_form.add_error(None, problem)
        wanted = cleaned.get("questions_per_attempt")
        if wanted and wanted > pool:
            self.add_error(
                "questions_per_attempt",
                ngettext(
                    "The pool holds %(pool)s question; draw at most that many, "
                    "or add questions.",
                    "The pool holds %(pool)s questions; draw at most that many, "
                    "or add questions.",
                    pool,
                )
                % {"pool": pool},
            )
        if pool == 0:
            self.add_error(None, _("Add at least one question to the pool."))
        return cleaned
