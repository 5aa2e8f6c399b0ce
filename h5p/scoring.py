"""What the server knows about the questions of a package, to grade answers itself.

The browser is not trusted: an xAPI statement says what the learner answered
(``result.response``) and what score the page computed. For the content types
whose correct answers sit plainly in ``content.json`` the server scores the answer
again from the package's own content and ignores the reported score:

- ``H5P.TrueFalse``: ``correct`` is ``"true"`` or ``"false"``; the response is the
  same word.
- ``H5P.MultiChoice``: ``answers[].correct``; the response lists the chosen answers
  by their index in ``content.json``, joined by ``[,]``. Scored as the library
  does: +1 per correct choice, -1 per wrong one, never below 0; one point in all
  for single-answer questions and with ``singlePoint``.
- ``H5P.SingleChoiceSet``: the first answer of each choice is the correct one; each
  choice answers on its own (with its ``subContentId``) with the index of the
  picked answer, and the set's total is the number of choices answered right.

- ``H5P.Blanks``: each ``*answer*`` of ``questions`` is a blank (``*a/b*`` offers
  alternatives, ``*answer:tip*`` a tip); the response lists what was typed in each
  blank, joined by ``[,]``. ``behaviour.caseSensitive`` and
  ``behaviour.acceptSpellingErrors`` are read as the library reads them.
- ``H5P.DragText``: each ``*word*`` of ``textField`` is a drop zone; the response
  lists the word dropped in each zone (empty when none), joined by ``[,]``.
- ``H5P.MarkTheWords``: the words of ``textField`` are numbered as the library
  numbers them; ``*word*`` must be marked. The response lists the marked words'
  numbers; +1 per right mark, -1 per wrong one, never below 0.
- ``H5P.QuestionSet``: the sum of its questions' scores, when the server scores
  every one of them.

A setting that ``content.json`` leaves out is read as the library's own default
(a fill-in text without ``questions`` still shows the library's sample sentence,
and is scored by it), laid over the content as the library lays it.

Other content types are scored by the page; the server keeps the reported score,
marked as self-reported, and still checks the maximum where it can count it. Such
a score never passes an activity unless an editor marked the activity as trusted.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

RESPONSE_SEPARATOR = "[,]"
# A question's text is shown to editors in statistics; a line is enough.
QUESTION_TEXT_LENGTH = 200

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


class ResponseInvalid(ValueError):
    """The response in a statement is not an answer this question offers."""


Scorer = Callable[[str], float]


@dataclass(frozen=True)
class Question:
    """One gradable part of a package: the content itself or one of its children.

    ``sub_content_id`` is ``""`` for the content itself. ``max_score`` is the
    maximum the server expects, or None when it cannot tell. ``scorer`` turns a
    response into a score, or is None when the server cannot score this type.
    """

    sub_content_id: str
    library: str
    text: str
    max_score: float | None
    scorer: Scorer | None = None

    @property
    def rescored(self) -> bool:
        return self.scorer is not None

    def score(self, response: str) -> float:
        """The score of ``response``; raises :class:`ResponseInvalid`."""
        if self.scorer is None:
            raise ResponseInvalid(_("This question is not scored by the server."))
        return self.scorer(response)


@dataclass(frozen=True)
class AnswerKey:
    """The questions of a package, by ``subContentId``.

    ``sums_children`` says the content's total is the sum of the scores of the
    children named in ``summed``, which the server then computes from the
    children's answers.
    """

    main: Question
    children: dict[str, Question] = field(default_factory=dict)
    sums_children: bool = False
    summed: frozenset[str] = frozenset()

    def question(self, sub_content_id: str) -> Question | None:
        if not sub_content_id:
            return self.main
        return self.children.get(sub_content_id)


def plain_text(markup: Any) -> str:
    """``markup`` (H5P stores HTML) as one line of text for an editor."""
    if not isinstance(markup, str):
        return ""
    text = _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", markup))).strip()
    if len(text) > QUESTION_TEXT_LENGTH:
        text = text[: QUESTION_TEXT_LENGTH - 1] + "…"
    return text


def _indices(response: str, count: int) -> list[int]:
    if response == "":
        return []
    picked = []
    for part in response.split(RESPONSE_SEPARATOR):
        if not part.isascii() or not part.isdigit() or int(part) >= count:
            raise ResponseInvalid(
                _("The answer “%(answer)s” is not one of this question's choices.")
                % {"answer": part[:40]}
            )
        picked.append(int(part))
    if len(set(picked)) != len(picked):
        raise ResponseInvalid(_("The answer names the same choice twice."))
    return picked


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _true_false(params: dict) -> tuple[float, Scorer]:
    correct = "true" if params.get("correct") == "true" else "false"

    def score(response: str) -> float:
        if response not in ("true", "false"):
            raise ResponseInvalid(
                _("A true-or-false answer must be “true” or “false”.")
            )
        return 1.0 if response == correct else 0.0

    return 1.0, score


def _multi_choice(params: dict) -> tuple[float, Scorer]:
    answers = [a for a in params.get("answers") or [] if isinstance(a, dict)]
    behaviour = (
        params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    )
    weight = _number(params.get("weight"), 1.0)
    weights = [_number(a.get("weight"), 1.0) for a in answers]
    correct = [a.get("correct") is True for a in answers]
    blank_is_correct = not any(correct)
    kind = behaviour.get("type", "auto")
    single_answer = correct.count(True) == 1 if kind == "auto" else kind == "single"
    single_point = behaviour.get("singlePoint", True) is True
    pass_percentage = _number(behaviour.get("passPercentage"), 100.0)
    all_correct = (
        weight
        if blank_is_correct
        else sum(w for w, right in zip(weights, correct, strict=True) if right)
    )
    max_score = weight if single_answer or single_point else all_correct

    def score(response: str) -> float:
        picked = _indices(response, len(answers))
        if single_answer and len(picked) > 1:
            raise ResponseInvalid(_("This question takes one answer only."))
        points = sum(weights[i] if correct[i] else -weights[i] for i in picked)
        points = max(points, 0.0)
        if not picked and blank_is_correct:
            points = weight
        if single_point:
            reached = 100 * points / all_correct if all_correct else 100.0
            points = weight if reached >= pass_percentage else 0.0
        return float(points)

    return float(max_score), score


def _single_choice(answer_count: int) -> tuple[float, Scorer]:
    def score(response: str) -> float:
        picked = _indices(response, answer_count)
        if len(picked) != 1:
            raise ResponseInvalid(
                _("Each of these questions takes exactly one answer.")
            )
        return 1.0 if picked[0] == 0 else 0.0

    return 1.0, score


def _parts(response: str, count: int) -> list[str]:
    parts = response.split(RESPONSE_SEPARATOR)
    if count == 0 and response == "":
        parts = []
    if len(parts) != count:
        raise ResponseInvalid(
            _("The answer has %(given)s parts; this question has %(count)s blanks.")
            % {"given": len(parts), "count": count}
        )
    return parts


def _asterisk_parts(text: str) -> Iterator[str]:
    """The text between each pair of asterisks, read as H5P.Blanks reads it."""
    start = text.find("*")
    while start != -1:
        end = text.find("*", start + 1)
        if end == -1:
            return
        if end > start + 1:
            yield text[start + 1 : end]
            start = text.find("*", end + 1)
        else:
            start = end


def blank_solutions(params: dict) -> list[list[str]]:
    """The accepted answers of each blank of a fill-in text, in order."""
    blanks = []
    for text in params.get("questions") or []:
        if not isinstance(text, str):
            continue
        for part in _asterisk_parts(text):
            solution = part.split(":", 1)[0]
            blanks.append([html.unescape(s.strip()) for s in solution.split("/")])
    return blanks


def typo_distance(first: str, second: str) -> int:
    """Edits from ``first`` to ``second``, a swap of neighbours counting as one."""
    rows = [list(range(len(second) + 1))]
    for i in range(1, len(first) + 1):
        row = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if (
                i > 1
                and j > 1
                and first[i - 1] == second[j - 2]
                and first[i - 2] == second[j - 1]
            ):
                row[j] = min(row[j], rows[i - 2][j - 2] + cost)
        rows.append(row)
    return rows[-1][-1]


def _blank_right(answered: str, solutions: list[str], behaviour: dict) -> bool:
    typos = behaviour.get("acceptSpellingErrors") is True
    for solution in solutions:
        if typos:
            distance = typo_distance(answered, solution)
            if (len(solution) > 9 and distance <= 2) or (
                len(solution) > 3 and distance <= 1
            ):
                return True
        if answered == solution:
            return True
    return False


def _behaviour(params: dict) -> dict:
    behaviour = params.get("behaviour")
    return behaviour if isinstance(behaviour, dict) else {}


def _blanks(params: dict) -> tuple[float, Scorer]:
    behaviour = _behaviour(params)
    fold = behaviour.get("caseSensitive") is not True
    blanks = [
        [s.lower() for s in solutions] if fold else solutions
        for solutions in blank_solutions(params)
    ]

    def score(response: str) -> float:
        answers = [part.strip() for part in _parts(response, len(blanks))]
        if fold:
            answers = [answer.lower() for answer in answers]
        return float(
            sum(
                _blank_right(answer, solutions, behaviour)
                for answer, solutions in zip(answers, blanks, strict=True)
            )
        )

    return float(len(blanks)), score


def _drop_word(part: str) -> str:
    """The draggable word of a ``*word*`` of Drag the words (tip and feedback off)."""
    for marker in ("\\+", "\\-", ":"):
        part = part.split(marker, 1)[0]
    return part.strip()


def _drag_text(params: dict) -> tuple[float, Scorer]:
    text = params.get("textField") if isinstance(params.get("textField"), str) else ""
    zones = [_drop_word(part) for part in re.findall(r"\*([^*]+)\*", text)]
    distractors = params.get("distractors")
    offered = list(zones)
    if isinstance(distractors, str):
        offered += [_drop_word(p) for p in re.findall(r"\*([^*]+)\*", distractors)]

    def score(response: str) -> float:
        dropped = _parts(response, len(zones))
        left = list(offered)
        for word in dropped:
            if word == "":
                continue
            if word not in left:
                raise ResponseInvalid(
                    _("The word “%(word)s” is not one of the words to drag.")
                    % {"word": word[:40]}
                )
            left.remove(word)
        return float(
            sum(word == zone for word, zone in zip(dropped, zones, strict=True))
        )

    return float(len(zones)), score


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


_MARK_PREFIX_RE = re.compile(r"^[\[\({⟨¿¡“\"«„]+")
_MARK_SUFFIX_RE = re.compile(r"[\",….:;?!\]\)}⟩»”]+$")


def marked_words(text_field: str) -> list[bool]:
    """Each selectable word of Mark the words, in order: True when it must be marked."""
    parser = _TextNodes()
    parser.feed(text_field)
    parser.close()
    words = []
    for text in parser.texts:
        text = re.sub(r"&nbsp;|\r\n|\n|\r", " ", text)
        for entry in re.findall(r" \*[^* ]+\* |\S+", text):
            entry = entry.strip()
            prefix = _MARK_PREFIX_RE.match(entry)
            entry = entry[prefix.end() :] if prefix else entry
            suffix = _MARK_SUFFIX_RE.search(entry)
            entry = entry[: suffix.start()] if suffix else entry
            if not entry:
                continue
            bare = entry.replace("**", "")
            words.append(
                len(bare) > 2
                and bare[0] == "*"
                and (bare[-1] == "*" or bare[-2] == "*")
            )
    return words


def _mark_the_words(params: dict) -> tuple[float, Scorer]:
    text = params.get("textField") if isinstance(params.get("textField"), str) else ""
    words = marked_words(text)
    # With no word to mark, leaving all unmarked is the one right answer.
    answers = words.count(True) or 1

    def score(response: str) -> float:
        picked = _indices(response, len(words))
        wrong = sum(not words[i] for i in picked)
        right = len(picked) - wrong
        if wrong == 0 and not any(words):
            right = 1
        return float(max(right - wrong, 0))

    return float(answers), score


_SCORERS: dict[str, Callable[[dict], tuple[float, Scorer]]] = {
    "H5P.TrueFalse": _true_false,
    "H5P.MultiChoice": _multi_choice,
    "H5P.Blanks": _blanks,
    "H5P.DragText": _drag_text,
    "H5P.MarkTheWords": _mark_the_words,
}


# What each scored library's constructor fills in for a setting the content
# leaves out, as far as its score depends on it. The player plays and scores
# with these, so the server must read the same question.
_LIBRARY_DEFAULTS: dict[str, dict] = {
    "H5P.TrueFalse": {"correct": "true"},
    "H5P.MultiChoice": {
        "answers": [{"text": "Answer 1", "correct": True}],
        "weight": 1,
        "behaviour": {"type": "auto", "singlePoint": True, "passPercentage": 100},
    },
    "H5P.Blanks": {
        "questions": ["Oslo is the capital of *Norway*."],
        "behaviour": {"caseSensitive": True},
    },
    "H5P.DragText": {
        "textField": (
            "This is a *nice*, *flexible* content type, which allows you to "
            "highlight all the *wonderful* words in this *exciting* sentence.\n"
            "This is another line of *fantastic* text."
        ),
    },
    "H5P.MarkTheWords": {"textField": "This is a *nice*, *flexible* content type."},
}


def with_defaults(defaults: Any, value: Any) -> Any:
    """``value`` laid over ``defaults`` as jQuery's deep ``extend`` lays it.

    Objects merge key by key and lists index by index; any other value, null
    included, replaces the default. Neither argument is changed.
    """
    if isinstance(value, dict):
        merged = dict(defaults) if isinstance(defaults, dict) else {}
        for key, item in value.items():
            merged[key] = with_defaults(merged.get(key), item)
        return merged
    if isinstance(value, list):
        merged = list(defaults) if isinstance(defaults, list) else []
        for index, item in enumerate(value):
            if index < len(merged):
                merged[index] = with_defaults(merged[index], item)
            else:
                merged.append(with_defaults(None, item))
        return merged
    return value


def _question(library: str, params: dict, sub_content_id: str, title: str) -> Question:
    machine_name = library.split(" ", 1)[0]
    text = plain_text(params.get("question")) or plain_text(params.get("text"))
    text = text or title or machine_name
    build = _SCORERS.get(machine_name)
    if build is not None:
        max_score, scorer = build(
            with_defaults(_LIBRARY_DEFAULTS.get(machine_name), params)
        )
        return Question(sub_content_id, machine_name, text, max_score, scorer)
    return Question(sub_content_id, machine_name, text, None)


def _sub_contents(value: Any) -> Iterator[tuple[str, dict, str, str]]:
    """Every ``{"library", "params", "subContentId"}`` below ``value``."""
    if isinstance(value, dict):
        library = value.get("library")
        params = value.get("params")
        sub_content_id = value.get("subContentId")
        if (
            isinstance(library, str)
            and isinstance(params, dict)
            and isinstance(sub_content_id, str)
            and sub_content_id
        ):
            metadata = value.get("metadata")
            title = metadata.get("title", "") if isinstance(metadata, dict) else ""
            yield library, params, sub_content_id, plain_text(title)
        for child in value.values():
            yield from _sub_contents(child)
    elif isinstance(value, list):
        for child in value:
            yield from _sub_contents(child)


def answer_key_build(*, main_library: str, content: dict, title: str = "") -> AnswerKey:
    """The :class:`AnswerKey` of a package from its parsed ``content.json``."""
    if main_library == "H5P.SingleChoiceSet":
        children = {}
        for choice in content.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            sub_content_id = choice.get("subContentId")
            answers = choice.get("answers") or []
            if not isinstance(sub_content_id, str) or not sub_content_id or not answers:
                continue
            max_score, scorer = _single_choice(len(answers))
            children[sub_content_id] = Question(
                sub_content_id,
                "H5P.SingleChoice",
                plain_text(choice.get("question")) or title,
                max_score,
                scorer,
            )
        main = Question("", main_library, title, float(len(children)) or None)
        return AnswerKey(
            main=main, children=children, sums_children=True, summed=frozenset(children)
        )

    children = {
        sub_content_id: _question(library, params, sub_content_id, child_title)
        for library, params, sub_content_id, child_title in _sub_contents(content)
    }
    main = _question(main_library, content, "", title)
    if main_library == "H5P.QuestionSet":
        questions = [
            question
            for question in children.values()
            if any(
                isinstance(entry, dict)
                and entry.get("subContentId") == question.sub_content_id
                for entry in content.get("questions") or []
            )
        ]
        known = [q.max_score for q in questions if q.max_score is not None]
        total = sum(known) if questions and len(known) == len(questions) else None
        main = Question("", main_library, title, total)
        if questions and all(q.rescored for q in questions):
            return AnswerKey(
                main=main,
                children=children,
                sums_children=True,
                summed=frozenset(q.sub_content_id for q in questions),
            )
    return AnswerKey(main=main, children=children)


@lru_cache(maxsize=256)
def _answer_key_cached(content_name: str, main_library: str, title: str) -> AnswerKey:
    with default_storage.open(content_name, "rb") as handle:
        content = json.load(handle)
    if not isinstance(content, dict):
        content = {}
    return answer_key_build(main_library=main_library, content=content, title=title)


def answer_key(package) -> AnswerKey:
    """The answer key of ``package`` (with ``main_library`` loaded).

    Read once per process: a package's content never changes (its storage folder
    is named by the hash of its files).
    """
    return _answer_key_cached(
        package.content_prefix + "content.json",
        package.main_library.machine_name,
        plain_text(package.title),
    )


# The verbs with which each content type reports a finished attempt at the top
# level. Containers also send "answered" for each child; those never finish.
_FINISHING_VERBS = {
    "H5P.TrueFalse": frozenset({"answered"}),
    "H5P.MultiChoice": frozenset({"answered"}),
    "H5P.Blanks": frozenset({"answered"}),
    "H5P.SingleChoiceSet": frozenset({"completed"}),
    "H5P.QuestionSet": frozenset({"completed"}),
}
_DEFAULT_FINISHING_VERBS = frozenset({"answered", "completed"})


def finishing_verbs(main_library: str) -> frozenset[str]:
    """The top-level verbs that end an attempt at content of ``main_library``."""
    return _FINISHING_VERBS.get(main_library, _DEFAULT_FINISHING_VERBS)
