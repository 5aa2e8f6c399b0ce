"""Assessment kinds: things a lesson holds that a learner may have to pass.

A lesson body (``courses.LessonPage.body``) can hold assessment blocks: a native
quiz (block ``"quiz"``, from the quizzes app), an H5P activity (``"h5p"``) or other
kinds. The blocks a lesson body offers besides its own are named in the setting
``LMS_LESSON_ASSESSMENT_BLOCKS`` (``(block name, dotted path of the block class)``),
so this app imports none of the apps that provide them. Every assessment
block is a :class:`AssessmentBlock`, so its stored value has a ``required`` flag
next to the id of what it shows (``{"quiz": 12, "required": true}``).

Each kind describes itself once with an :class:`AssessmentKind` and calls
:func:`register_assessment_kind` from its app's ``ready()``. Registering a kind
registers, in :mod:`courses.completion`:

- a lesson blocker: a lesson holding a required assessment of that kind cannot be
  completed until the learner has passed it;
- a course requirement: every required assessment of that kind in the live,
  required lessons of the course is passed.

When a learner passes an assessment, the kind's own service calls
``courses.services.enrollment_evaluate_completion`` so the course completes at once
when nothing else is missing.

An H5P activity, for example, would register::

    register_assessment_kind(
        AssessmentKind(
            block_type="h5p",            # its name in LMS_LESSON_ASSESSMENT_BLOCKS
            target_key="activity",       # the key of its chooser in the block value
            pending=h5p_activities_pending,
            blocker_message=_("Complete the activity “%(title)s” first."),
        )
    )

where ``h5p_activities_pending(enrollment=..., target_ids=...)`` returns
``{id: title}`` for the activities the learner has not passed yet, ignoring ids
that no longer exist.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from courses import completion
from courses.models import LessonPage


class AssessmentBlock(blocks.StructBlock):
    """Base for lesson blocks that hold something a learner may have to pass.

    Subclasses declare a chooser for the assessment; this adds the ``required``
    flag that :mod:`courses.assessments` reads, shown after the subclass's own
    fields.
    """

    required = blocks.BooleanBlock(
        label=_("Required to complete the lesson and the course"),
        required=False,
        default=True,
        help_text=_("Learners must pass it before the lesson counts as completed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Editors choose what to show first, then decide whether it is required.
        self.child_blocks["required"] = self.child_blocks.pop("required")

    def head_links(self, value) -> list[tuple[str, str]]:
        """The ``<link>``s (``rel``, ``href``) the lesson's head names for this
        block: its stylesheet, an origin it connects to. A stylesheet linked in
        the body holds back the rest of the page, frames included, until it has
        loaded."""
        return []


@dataclass(frozen=True)
class AssessmentKind:
    """How completion finds and checks one kind of assessment.

    ``block_type``: the block's name in lesson bodies.
    ``target_key``: the key in the block's value holding the assessment's id.
    ``pending``: called as ``pending(enrollment=..., target_ids=...)``; returns
    ``{id: title}`` of the assessments among ``target_ids`` that the learner has
    not passed yet, leaving out ids that no longer exist.
    ``blocker_message``: the message a learner sees when a lesson cannot be
    completed; ``%(title)s`` is replaced by the assessment's title.
    ``anchor``: the id of the element showing an assessment in the lesson page,
    ``{id}`` replaced by its id, so a learner is taken to what is still to pass.
    """

    block_type: str
    target_key: str
    pending: Callable[..., dict[int, str]]
    blocker_message: str
    anchor: str = ""


_kinds: dict[str, AssessmentKind] = {}


def required_targets(raw_blocks: Iterable[dict], kind: AssessmentKind) -> set[int]:
    """The ids of required assessments of ``kind`` in a lesson body's raw data."""
    targets = set()
    for block in raw_blocks or ():
        if block.get("type") != kind.block_type:
            continue
        value = block.get("value") or {}
        target = value.get(kind.target_key)
        if value.get("required") and isinstance(target, int):
            targets.add(target)
    return targets


def _lesson_blocker(kind: AssessmentKind):
    def blocker(enrollment, lesson) -> str | None:
        targets = required_targets(lesson.body.raw_data, kind)
        if not targets:
            return None
        pending = kind.pending(enrollment=enrollment, target_ids=targets)
        if not pending:
            return None
        return " ".join(
            str(kind.blocker_message) % {"title": title}
            for _pk, title in sorted(pending.items())
        )

    return blocker


def _course_requirement(kind: AssessmentKind):
    def requirement(enrollment) -> bool:
        bodies = (
            LessonPage.objects.live()
            .child_of(enrollment.course)
            .filter(is_required=True)
            .values_list("body", flat=True)
        )
        targets = set()
        for body in bodies:
            targets |= required_targets(body.raw_data, kind)
        return not targets or not kind.pending(
            enrollment=enrollment, target_ids=targets
        )

    return requirement


def register_assessment_kind(kind: AssessmentKind) -> AssessmentKind:
    """Make completion wait for required assessments of ``kind`` (idempotent)."""
    if kind.block_type in _kinds:
        return _kinds[kind.block_type]
    _kinds[kind.block_type] = kind
    completion.register_lesson_blocker(_lesson_blocker(kind))
    completion.register_course_requirement(_course_requirement(kind))
    return kind


def pending_anchor(enrollment, lesson) -> str:
    """The page anchor of the first required assessment in ``lesson`` not passed yet.

    "" when there is none (or its kind names no anchor).
    """
    for block in lesson.body.raw_data:
        kind = _kinds.get(block.get("type"))
        value = block.get("value") or {}
        target = value.get(kind.target_key) if kind else None
        if not kind or not kind.anchor or not value.get("required"):
            continue
        if isinstance(target, int) and kind.pending(
            enrollment=enrollment, target_ids={target}
        ):
            return kind.anchor.format(id=target)
    return ""


def assessment_kinds() -> list[AssessmentKind]:
    return list(_kinds.values())
