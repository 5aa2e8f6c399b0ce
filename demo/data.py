"""Reading the demo content: the YAML files in ``demo/content/``.

``content/README.md`` describes the files for the people who write them. Every file
is read and checked before anything is stored, and every problem is reported at
once with its file, line and field (:class:`DemoContentError`), so a typo in a
lesson never leaves half a demo behind or ends in a traceback.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from community_teams.models import Consent, Resident
from courses.blocks import RICH_TEXT_FEATURES, CalloutBlock, StepBlock
from courses.models import HomePage, Topic
from coverage.models import Agency, Indicator, StaffCategory
from demo.covers import MOTIFS
from demo.rich_text import RichTextError, markdown_to_rich_text
from lms.models import Commune, Hamlet
from lms.models.places import KIND_PREFIX
from lms.models.users import Role
from lms.phone import phone_to_e164
from lms.text import nfc, slugify_vi
from quizzes.models import QuestionKind, ReviewPolicy, choice_problems

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SITE_FILE = "site.yaml"
PEOPLE_FILE = "people.yaml"
OUTREACH_FILE = "outreach.yaml"
AGENCIES_FILE = "agencies.yaml"

STEP_FEATURES = StepBlock.base_blocks["text"].features
CALLOUT_FEATURES = CalloutBlock.base_blocks["text"].features
INTRO_FEATURES = HomePage._meta.get_field("intro").features
PRIVACY_FEATURES = ["h2", "bold", "italic", "ol", "ul", "link"]
CALLOUT_KINDS = ("tip", "warning")
BLOCK_KINDS = ("text", "steps", *CALLOUT_KINDS, "quiz")
ALL = "all"


class DemoContentError(Exception):
    """The demo content has problems; ``problems`` lists each as one line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------------------
# What the files describe
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str
    choices: tuple[ChoiceSpec, ...]
    explanation: str = ""


@dataclass(frozen=True)
class QuizSpec:
    """A native quiz placed in a lesson, with the rules of its attempts."""

    title: str
    intro: str
    required: bool
    pass_mark: int
    max_attempts: int | None
    retry_wait_minutes: int
    questions_per_attempt: int | None
    shuffle_choices: bool
    review_policy: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class LessonSpec:
    """A lesson; ``body`` holds ``(block type, value)`` pairs in reading order.

    Values are what ``LessonPage.body`` stores, except a quiz block's, which is its
    :class:`QuizSpec` until the quiz exists.
    """

    title: str
    minutes: int
    body: tuple[tuple[str, object], ...]

    @property
    def slug(self) -> str:
        return slugify_vi(self.title)

    @property
    def quizzes(self) -> list[QuizSpec]:
        return [value for kind, value in self.body if kind == "quiz"]


@dataclass(frozen=True)
class CourseSpec:
    key: str  # the file's name without ``.yaml``; people's progress names it
    title: str
    summary: str
    topic: str
    minutes: int
    cover: str
    colour: tuple[int, int, int]
    lessons: tuple[LessonSpec, ...]

    @property
    def slug(self) -> str:
        return slugify_vi(self.title)


@dataclass(frozen=True)
class SiteSpec:
    title: str
    home_slug: str
    home_intro: str
    catalogue_title: str
    catalogue_slug: str
    catalogue_intro: str
    privacy_title: str
    privacy_slug: str
    privacy_summary: str
    privacy_body: str


@dataclass(frozen=True)
class PlaceSpec:
    """Where the demo's team works; officials are scoped to its ward and city."""

    province_code: str
    commune_name: str
    commune_kind: str
    hamlet_name: str
    hamlet_kind: str
    team_name: str


@dataclass(frozen=True)
class ProgressSpec:
    """How far a person got in a course: ``completed`` lessons (None: all of them)."""

    course: str
    completed: int | None
    next_opened: bool


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    role: str
    phone: str = ""
    email: str = ""
    birth_year: int | None = None
    progress: tuple[ProgressSpec, ...] = ()
    # The pages the person opens, each with what they find there.
    sees: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ResidentSpec:
    full_name: str
    birth_year: int | None
    sex: str


@dataclass(frozen=True)
class HouseholdSpec:
    """A household; its first resident is the head."""

    key: str  # what visits name it by
    house_number: str
    phone: str
    residents: tuple[ResidentSpec, ...]
    # Where the household is written, to name it in a problem found while loading.
    where: str

    @property
    def head_name(self) -> str:
        return self.residents[0].full_name if self.residents else ""


@dataclass(frozen=True)
class HamletSpec:
    """A hamlet of the demo's ward and the households someone put on its list."""

    name: str
    kind: str
    added_by: str  # a username of people.yaml
    households: tuple[HouseholdSpec, ...]


@dataclass(frozen=True)
class AttendeeSpec:
    resident: str  # a resident's name in the visited household
    guided: tuple[str, ...]  # skill codes
    themselves: tuple[str, ...]  # the skills they did by themselves, among guided
    consent: bool
    guardian: str


@dataclass(frozen=True)
class VisitSpec:
    household: str  # a household's key
    by: str  # a username of people.yaml
    days_ago: int
    consent_method: str
    note: str
    attendees: tuple[AttendeeSpec, ...]
    approved_by: str
    # Where the visit is written, to name it in a problem found while loading.
    where: str


@dataclass(frozen=True)
class OutreachSpec:
    hamlets: tuple[HamletSpec, ...]
    visits: tuple[VisitSpec, ...]

    def household(self, key: str) -> tuple[HamletSpec, HouseholdSpec]:
        return next(
            (hamlet, household)
            for hamlet in self.hamlets
            for household in hamlet.households
            if household.key == key
        )


@dataclass(frozen=True)
class StaffSpec:
    """A person on an agency's roster; ``account`` names a person of people.yaml,
    whose name, phone and email are then theirs."""

    full_name: str
    category: str
    position: str
    phone: str = ""
    email: str = ""
    account: str = ""
    progress: tuple[ProgressSpec, ...] = ()


@dataclass(frozen=True)
class AgencySpec:
    name: str
    kind: str
    commune: str  # the commune's full name (“Phường Bến Thành”), or ""
    staff: tuple[StaffSpec, ...]
    units: tuple["AgencySpec", ...]

    def tree(self) -> Iterator["AgencySpec"]:
        """This agency and every unit under it, top down."""
        yield self
        for unit in self.units:
            yield from unit.tree()


@dataclass(frozen=True)
class AssignmentSpec:
    course: str  # a course file's name
    agency: str  # an agency's name, or "" for the whole province
    category: str  # CB, CC, VC or "" for every category
    deadline_in_days: int  # from the day the demo is loaded; negative: past


@dataclass(frozen=True)
class TargetSpec:
    indicator: str
    year: int
    percent: int


@dataclass(frozen=True)
class AgenciesSpec:
    province_code: str
    assigned_by: str  # a username of people.yaml
    agencies: tuple[AgencySpec, ...]
    assignments: tuple[AssignmentSpec, ...]
    targets: tuple[TargetSpec, ...]

    def every_agency(self) -> Iterator[AgencySpec]:
        for agency in self.agencies:
            yield from agency.tree()

    def every_staff(self) -> Iterator[StaffSpec]:
        for agency in self.every_agency():
            yield from agency.staff


@dataclass(frozen=True)
class DemoContent:
    site: SiteSpec
    courses: tuple[CourseSpec, ...]
    place: PlaceSpec
    people: tuple[PersonSpec, ...]
    password: str
    outreach: OutreachSpec
    agencies: AgenciesSpec

    def course(self, key: str) -> CourseSpec:
        return next(course for course in self.courses if course.key == key)

    def person(self, username: str) -> PersonSpec:
        return next(person for person in self.people if person.username == username)


# ---------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------


class _Mapping(dict):
    line: int = 0
    key_lines: dict


class _Sequence(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    """Safe YAML that remembers the line of every key and item, and refuses a key
    given twice (plain YAML keeps the last one silently)."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a field name must be plain text", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the field “{key}” is given twice",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader, node):
    sequence = _Sequence(
        loader.construct_object(item, deep=True) for item in node.value
    )
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)


# ---------------------------------------------------------------------------
# Reading fields and collecting problems
# ---------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.lines: list[str] = []

    def add(self, source: str, line: int | None, where: str, message: str) -> None:
        place = f"{source}, line {line}" if line else source
        self.lines.append(f"{place}: {where + ': ' if where else ''}{message}")


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


class _Fields:
    """The fields of one mapping in a file, read one at a time.

    Each reader returns a usable placeholder after recording a problem, so reading
    goes on and every problem of the file is found in one pass. :meth:`done`
    reports fields nobody read: a misspelt field name is a problem too.
    """

    def __init__(self, problems: _Problems, source: str, where: str, value, line):
        self.problems, self.source, self.where = problems, source, where
        self.line = getattr(value, "line", None) or line
        self.read: list = []
        self.valid = isinstance(value, dict)
        self.data = value if self.valid else {}
        if not self.valid:
            self.problem(None, f"expected a group of fields, found {_describe(value)}")

    def path(self, key) -> str:
        if key is None:
            return self.where
        return f"{self.where}.{key}" if self.where else str(key)

    def line_of(self, key) -> int | None:
        lines = getattr(self.data, "key_lines", {})
        return lines.get(key, self.line)

    def problem(self, key, message: str) -> None:
        self.problems.add(self.source, self.line_of(key), self.path(key), message)

    def has(self, key) -> bool:
        return key in self.data

    def mark_read(self, *keys) -> None:
        self.read.extend(key for key in keys if key not in self.read)

    def _get(self, key, required: bool):
        self.mark_read(key)
        if key not in self.data:
            if required:
                self.problem(None, f"the field “{key}” is missing")
            return None
        if self.data[key] is None:
            if required:
                self.problem(key, "is empty")
            return None
        return self.data[key]

    def text(self, key, *, required=True, default="", max_length=None) -> str:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            hint = (
                " (put it in quotes)" if isinstance(value, int | float | bool) else ""
            )
            self.problem(key, f"expected text, found {_describe(value)}{hint}")
            return default
        value = nfc(value.strip())
        if required and not value:
            self.problem(key, "must not be empty")
        if max_length and len(value) > max_length:
            self.problem(key, f"is {len(value)} characters long; at most {max_length}")
        return value

    def rich_text(self, key, *, features, required=True) -> str:
        source = self.text(key, required=required)
        if not source:
            return ""
        try:
            return markdown_to_rich_text(source, features=features)
        except RichTextError as error:
            self.problem(key, str(error))
            return ""

    def integer(self, key, *, minimum=None, maximum=None, required=True, default=None):
        value = self._get(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"expected a whole number, found {_describe(value)}")
            return default
        if minimum is not None and value < minimum:
            self.problem(key, f"must be at least {minimum}, not {value}")
        elif maximum is not None and value > maximum:
            self.problem(key, f"must be at most {maximum}, not {value}")
        return value

    def boolean(self, key, *, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, found {_describe(value)}")
            return default
        return value

    def choice(self, key, choices, *, required=True, default="") -> str:
        value = self.text(key, required=required)
        if value and value not in choices:
            self.problem(
                key, f"“{value}” is not one of: {', '.join(str(c) for c in choices)}"
            )
            return default
        return value or default

    def group(self, key, *, required=True) -> "_Fields":
        value = self._get(key, required)
        return _Fields(
            self.problems,
            self.source,
            self.path(key),
            {} if value is None else value,
            self.line_of(key),
        )

    def items(
        self, key, *, required=True, minimum=1
    ) -> Iterator[tuple[str, int, object]]:
        """``(field path, line, value)`` of each item of the list ``key``."""
        value = self._get(key, required)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(key, f"expected a list, found {_describe(value)}")
            return
        if len(value) < minimum:
            self.problem(key, f"needs at least {minimum} item(s)")
        lines = getattr(value, "item_lines", [])
        for index, item in enumerate(value):
            line = lines[index] if index < len(lines) else self.line_of(key)
            yield f"{self.path(key)}[{index + 1}]", line, item

    def fields(self, where: str, line: int, value) -> "_Fields":
        return _Fields(self.problems, self.source, where, value, line)

    def done(self) -> None:
        for key in self.data:
            if key not in self.read:
                expected = ", ".join(str(k) for k in self.read) or "none"
                self.problem(
                    key, f"unknown field “{key}” (the fields here are: {expected})"
                )


def _read_yaml(path: Path, source: str, problems: _Problems):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(source, None, "", "the file is missing")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.add(source, None, "", f"cannot be read as UTF-8 text ({error})")
        return None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: builds no objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "unreadable"
        column = f" (column {mark.column + 1})" if mark else ""
        line = mark.line + 1 if mark else None
        context = error.context_mark
        # YAML notices a missing bracket or quote only where the next thing starts.
        if error.context and context and context.line + 1 != line:
            what += f", {error.context} that starts on line {context.line + 1}"
        problems.add(source, line, "", f"not valid YAML{column}: {what}")
        return None
    except yaml.YAMLError as error:
        problems.add(source, None, "", f"not valid YAML: {error}")
        return None
    if data is None:
        problems.add(source, None, "", "the file is empty")
    return data


# ---------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------


def _site(fields: _Fields) -> tuple[SiteSpec, list[tuple[str, int, str]]]:
    home = fields.group("home")
    catalogue = fields.group("catalogue")
    privacy = fields.group("privacy_notice")
    site = SiteSpec(
        title=fields.text("title", max_length=255),
        home_slug=home.text("slug"),
        home_intro=home.rich_text("intro", features=INTRO_FEATURES),
        catalogue_title=catalogue.text("title", max_length=255),
        catalogue_slug=catalogue.text("slug"),
        catalogue_intro=catalogue.rich_text("intro", features=INTRO_FEATURES),
        privacy_title=privacy.text("title", max_length=255),
        privacy_slug=privacy.text("slug"),
        privacy_summary=privacy.text("summary", max_length=1000),
        privacy_body=privacy.rich_text("body", features=PRIVACY_FEATURES),
    )
    for group, key in ((home, "slug"), (catalogue, "slug"), (privacy, "slug")):
        value = group.data.get(key)
        if isinstance(value, str) and value and slugify_vi(value) != value:
            group.problem(
                key, f"use lower-case letters, digits and dashes: “{slugify_vi(value)}”"
            )
    home.done()
    catalogue.done()
    privacy.done()
    order = []
    for where, line, key in fields.items("courses"):
        if isinstance(key, str) and key.strip():
            order.append((where, line, key.strip()))
        else:
            fields.problems.add(
                fields.source, line, where, "expected the name of a course file"
            )
    fields.done()
    return site, order


def _choice(fields: _Fields) -> ChoiceSpec:
    spec = ChoiceSpec(
        text=fields.text("text", max_length=500),
        correct=fields.boolean("correct", default=False),
        feedback=fields.text("feedback", required=False),
    )
    fields.done()
    return spec


def _question(fields: _Fields) -> QuestionSpec:
    text = fields.text("question")
    kind = fields.choice(
        "kind", QuestionKind.values, required=False, default=QuestionKind.SINGLE
    )
    choices = tuple(
        _choice(fields.fields(where, line, value))
        for where, line, value in fields.items("choices")
    )
    explanation = fields.text("explanation", required=False)
    if choices:
        for message in choice_problems(kind, [choice.correct for choice in choices]):
            fields.problem("choices", message)
    fields.done()
    return QuestionSpec(text=text, kind=kind, choices=choices, explanation=explanation)


def _quiz(fields: _Fields) -> QuizSpec:
    title = fields.text("title", max_length=200)
    intro = fields.text("intro", required=False)
    required = fields.boolean("required", default=True)
    pass_mark = fields.integer("pass_mark", minimum=0, maximum=100, default=80)
    max_attempts = fields.integer("max_attempts", minimum=1, required=False)
    retry_wait = fields.integer(
        "retry_wait_minutes", minimum=0, required=False, default=0
    )
    per_attempt = fields.integer("questions_per_attempt", minimum=1, required=False)
    shuffle = fields.boolean("shuffle_choices", default=True)
    review = fields.choice(
        "show_answers",
        ReviewPolicy.values,
        required=False,
        default=ReviewPolicy.AFTER_SUBMIT,
    )
    questions = tuple(
        _question(fields.fields(where, line, value))
        for where, line, value in fields.items("questions")
    )
    if per_attempt and questions and per_attempt > len(questions):
        fields.problem(
            "questions_per_attempt",
            f"is {per_attempt}, but the quiz has only {len(questions)} questions",
        )
    fields.done()
    return QuizSpec(
        title=title,
        intro=intro,
        required=required,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        retry_wait_minutes=retry_wait,
        questions_per_attempt=per_attempt,
        shuffle_choices=shuffle,
        review_policy=review,
        questions=questions,
    )


def _block(fields: _Fields) -> tuple[str, object] | None:
    if not fields.valid:
        return None
    kinds = [kind for kind in BLOCK_KINDS if fields.has(kind)]
    if len(kinds) != 1:
        fields.problem(
            None,
            "each block is one of: "
            + ", ".join(BLOCK_KINDS)
            + (f" (found {', '.join(map(str, fields.data))})" if fields.data else ""),
        )
        fields.mark_read(*fields.data)
        return None
    kind = kinds[0]
    if kind == "text":
        value = fields.rich_text("text", features=RICH_TEXT_FEATURES)
    elif kind in CALLOUT_KINDS:
        value = {
            "kind": kind,
            "text": fields.rich_text(kind, features=CALLOUT_FEATURES),
        }
        kind = "callout"
    elif kind == "steps":
        steps = fields.group("steps")
        value = {
            "title": steps.text("title", required=False, max_length=200),
            "steps": [],
        }
        for where, line, item in steps.items("items"):
            step = fields.fields(where, line, {"text": item})
            html = step.rich_text("text", features=STEP_FEATURES)
            value["steps"].append({"text": html, "screenshot": None})
        steps.done()
    else:
        value = _quiz(fields.group("quiz"))
    fields.done()
    return kind, value


def _lesson(fields: _Fields) -> LessonSpec:
    title = fields.text("title", max_length=255)
    minutes = fields.integer("minutes", minimum=1, maximum=600, default=1)
    body = []
    for where, line, value in fields.items("body"):
        block = _block(fields.fields(where, line, value))
        if block:
            body.append(block)
    fields.done()
    return LessonSpec(title=title, minutes=minutes, body=tuple(body))


COLOUR = re.compile(r"#([0-9a-fA-F]{6})")


def _course(key: str, fields: _Fields) -> CourseSpec:
    title = fields.text("title", max_length=255)
    summary = fields.text("summary", max_length=300)
    topic = fields.choice("topic", Topic.values, default=Topic.OTHER)
    minutes = fields.integer("minutes", minimum=1, maximum=6000, default=1)
    cover = fields.group("cover")
    motif = cover.choice("motif", MOTIFS, default=MOTIFS[0])
    colour_text = cover.text("colour")
    colour = (0, 0, 0)
    if match := COLOUR.fullmatch(colour_text):
        digits = match.group(1)
        colour = tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    elif colour_text:
        cover.problem("colour", f"“{colour_text}” is not a colour like “#0b5cad”")
    cover.done()
    lessons = []
    seen: dict[str, str] = {}
    for where, line, value in fields.items("lessons"):
        lesson = _lesson(fields.fields(where, line, value))
        if lesson.title and lesson.slug in seen:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"its title makes the same address as {seen[lesson.slug]}: "
                "give the lessons of a course different titles",
            )
        seen.setdefault(lesson.slug, where)
        lessons.append(lesson)
    fields.done()
    return CourseSpec(
        key=key,
        title=title,
        summary=summary,
        topic=topic,
        minutes=minutes,
        cover=motif,
        colour=colour,
        lessons=tuple(lessons),
    )


def _place(fields: _Fields) -> PlaceSpec:
    province = fields.text("province")
    if province and not province.isdigit():
        fields.problem("province", "expected the province's 2-digit code, e.g. “79”")
    spec = PlaceSpec(
        province_code=province,
        commune_name=fields.text("commune"),
        commune_kind=fields.choice("commune_kind", Commune.Kind.values),
        hamlet_name=fields.text("hamlet", max_length=100),
        hamlet_kind=fields.choice("hamlet_kind", Hamlet.Kind.values),
        team_name=fields.text("team", max_length=200),
    )
    fields.done()
    return spec


def _progress(fields: _Fields, courses: dict[str, CourseSpec]) -> ProgressSpec:
    course = fields.text("course")
    completed_raw = fields.data.get("lessons_completed")
    completed = None
    if completed_raw == ALL:
        fields.mark_read("lessons_completed")
    else:
        completed = fields.integer("lessons_completed", minimum=0, default=0)
    next_opened = fields.boolean("next_lesson_opened", default=False)
    if course and course not in courses:
        fields.problem(
            "course",
            f"no course file “{course}” (the courses are: {', '.join(courses)})",
        )
    elif course and completed is not None and courses[course] is not None:
        count = len(courses[course].lessons)
        if completed > count:
            fields.problem(
                "lessons_completed",
                f"the course has {count} lessons; write “{ALL}” to complete them all",
            )
    fields.done()
    return ProgressSpec(course=course, completed=completed, next_opened=next_opened)


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PAGE = re.compile(r"/(?:[\w.-]+/)*")


def _phone(fields: _Fields, key: str = "phone") -> str:
    """A phone number as people type it, checked as the site checks it."""
    phone = fields.text(key, required=False)
    if phone:
        try:
            phone_to_e164(phone)
        except ValidationError as error:
            fields.problem(key, " ".join(str(m) for m in error.messages))
    return phone


def _email(fields: _Fields, key: str = "email") -> str:
    email = fields.text(key, required=False)
    if email and not EMAIL.fullmatch(email):
        fields.problem(key, f"“{email}” is not an email address")
    return email


def _sees(fields: _Fields) -> tuple[tuple[str, str], ...]:
    pages = fields.group("sees", required=False)
    found = []
    for page in list(pages.data):
        text = pages.text(page, max_length=200)
        if not isinstance(page, str) or not PAGE.fullmatch(page):
            pages.problem(page, "expected a page's address, such as “/coverage/”")
        found.append((str(page), text))
    pages.done()
    return tuple(found)


def _person(fields: _Fields, courses: dict[str, CourseSpec]) -> PersonSpec:
    username = fields.text("username", max_length=150)
    full_name = fields.text("name", max_length=150)
    role = fields.choice("role", Role.values)
    phone = _phone(fields)
    email = _email(fields)
    if not fields.has("phone") and not fields.has("email"):
        fields.problem(None, "give a phone number or an email address to log in with")
    birth_year = fields.integer(
        "birth_year", minimum=1900, maximum=2030, required=False
    )
    progress = tuple(
        _progress(fields.fields(where, line, value), courses)
        for where, line, value in fields.items("progress", required=False, minimum=0)
    )
    sees = _sees(fields)
    fields.done()
    return PersonSpec(
        username=username,
        full_name=full_name,
        role=role,
        phone=phone,
        email=email,
        birth_year=birth_year,
        progress=progress,
        sees=sees,
    )


def _people(fields: _Fields, courses) -> tuple[PlaceSpec, tuple[PersonSpec, ...], str]:
    password = fields.text("password")
    place = _place(fields.group("place"))
    people = []
    seen: set[str] = set()
    for where, line, value in fields.items("people"):
        person = _person(fields.fields(where, line, value), courses)
        if person.username in seen:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"the username “{person.username}” is used twice",
            )
        seen.add(person.username)
        people.append(person)
    fields.done()
    return place, tuple(people), password


# ---------------------------------------------------------------------------
# outreach.yaml: households and the teams' visits
# ---------------------------------------------------------------------------

TEAM_ROLES = (Role.TEAM_MEMBER, Role.TEAM_LEADER)
# How a team member takes a resident's consent at a visit.
VISIT_CONSENT_METHODS = (Consent.Method.MEMBER_PHONE, Consent.Method.PAPER)


def _username(
    fields: _Fields, key: str, people: dict | None, roles, *, required=True
) -> str:
    """A person of people.yaml, who must hold one of ``roles``."""
    username = fields.text(key, required=required, max_length=150)
    if not username or people is None:
        return username
    person = people.get(username)
    if person is None:
        fields.problem(key, f"no person “{username}” in {PEOPLE_FILE}")
    elif person.role and person.role not in roles:
        fields.problem(
            key,
            f"“{username}” is a {person.role} in {PEOPLE_FILE}; this needs "
            + " or ".join(str(role) for role in roles),
        )
    return username


def _texts(fields: _Fields, key: str, *, required=True) -> tuple[str, ...]:
    """A list of short texts (skill codes), each given once."""
    values = []
    for where, line, value in fields.items(
        key, required=required, minimum=1 if required else 0
    ):
        if not isinstance(value, str) or not value.strip():
            fields.problems.add(
                fields.source, line, where, f"expected text, found {_describe(value)}"
            )
        elif value.strip() in values:
            fields.problems.add(
                fields.source, line, where, f"“{value.strip()}” is listed twice"
            )
        else:
            values.append(value.strip())
    return tuple(values)


def _location(fields: _Fields) -> str:
    return f"{fields.source}, line {fields.line}: {fields.where}"


def _resident(fields: _Fields) -> ResidentSpec:
    spec = ResidentSpec(
        full_name=fields.text("name", max_length=150),
        birth_year=fields.integer(
            "birth_year", minimum=1900, maximum=2030, required=False
        ),
        sex=fields.choice("sex", Resident.Sex.values, required=False),
    )
    fields.done()
    return spec


def _household(fields: _Fields) -> HouseholdSpec:
    key = fields.text("key", max_length=40)
    house_number = fields.text("house_number", required=False, max_length=40)
    phone = _phone(fields)
    residents = []
    for where, line, value in fields.items("residents"):
        resident = _resident(fields.fields(where, line, value))
        if resident.full_name in [r.full_name for r in residents]:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"“{resident.full_name}” is listed twice: visits name the people "
                "of a household by their names",
            )
        residents.append(resident)
    fields.done()
    return HouseholdSpec(
        key=key,
        house_number=house_number,
        phone=phone,
        residents=tuple(residents),
        where=_location(fields),
    )


def _hamlet(fields: _Fields, people, keys: dict[str, str]) -> HamletSpec:
    name = fields.text("name", max_length=100)
    kind = fields.choice("kind", Hamlet.Kind.values)
    added_by = _username(
        fields, "added_by", people, (Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL)
    )
    households = []
    for where, line, value in fields.items("households"):
        household = _household(fields.fields(where, line, value))
        if household.key in keys:
            fields.problems.add(
                fields.source,
                line,
                f"{where}.key",
                f"“{household.key}” is also the key of {keys[household.key]}",
            )
        keys.setdefault(household.key, where)
        households.append(household)
    fields.done()
    return HamletSpec(
        name=name, kind=kind, added_by=added_by, households=tuple(households)
    )


def _attendee(fields: _Fields, household: HouseholdSpec | None) -> AttendeeSpec:
    resident = fields.text("resident", max_length=150)
    names = [r.full_name for r in household.residents] if household else []
    if household and resident and resident not in names:
        fields.problem(
            "resident",
            f"no “{resident}” in the household “{household.key}” (its people are: "
            f"{', '.join(names)})",
        )
    guided = _texts(fields, "guided")
    themselves = _texts(fields, "did_it_themselves", required=False)
    for code in themselves:
        if code not in guided:
            fields.problem(
                "did_it_themselves", f"“{code}” is not among the skills “guided”"
            )
    if not fields.has("consent"):
        fields.problem(
            None,
            "the field “consent” is missing: write whether the person agreed "
            "(true or false)",
        )
    consent = fields.boolean("consent", default=False)
    guardian = fields.text("guardian", required=False, max_length=150)
    fields.done()
    return AttendeeSpec(
        resident=resident,
        guided=guided,
        themselves=themselves,
        consent=consent,
        guardian=guardian,
    )


def _visit(fields: _Fields, households: dict[str, HouseholdSpec], people) -> VisitSpec:
    key = fields.text("household", max_length=40)
    household = households.get(key)
    if key and household is None:
        fields.problem("household", f"no household with the key “{key}” above")
    by = _username(fields, "by", people, TEAM_ROLES)
    days_ago = fields.integer("days_ago", minimum=0, maximum=365, default=0)
    method = fields.choice(
        "consent_method",
        VISIT_CONSENT_METHODS,
        required=False,
        default=Consent.Method.MEMBER_PHONE,
    )
    note = fields.text("note", required=False, max_length=2000)
    attendees = []
    for where, line, value in fields.items("attendees"):
        attendee = _attendee(fields.fields(where, line, value), household)
        if attendee.resident in [a.resident for a in attendees]:
            fields.problems.add(
                fields.source, line, where, f"“{attendee.resident}” is listed twice"
            )
        attendees.append(attendee)
    approved_by = _username(
        fields, "approved_by", people, (Role.TEAM_LEADER,), required=False
    )
    fields.done()
    return VisitSpec(
        household=key,
        by=by,
        days_ago=days_ago,
        consent_method=method,
        note=note,
        attendees=tuple(attendees),
        approved_by=approved_by,
        where=_location(fields),
    )


def _outreach(fields: _Fields, people) -> OutreachSpec:
    hamlets = []
    keys: dict[str, str] = {}
    for where, line, value in fields.items("hamlets"):
        hamlet = _hamlet(fields.fields(where, line, value), people, keys)
        if hamlet.name and hamlet.name in [h.name for h in hamlets]:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"the hamlet “{hamlet.name}” is listed twice",
            )
        hamlets.append(hamlet)
    households = {h.key: h for hamlet in hamlets for h in hamlet.households}
    visits = []
    seen: dict[tuple, str] = {}
    for where, line, value in fields.items("visits"):
        visit = _visit(fields.fields(where, line, value), households, people)
        same = (visit.household, visit.by, visit.days_ago)
        if same in seen:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"the same household, member and day as {seen[same]}: "
                "make it one visit",
            )
        seen.setdefault(same, where)
        visits.append(visit)
    fields.done()
    return OutreachSpec(hamlets=tuple(hamlets), visits=tuple(visits))


# ---------------------------------------------------------------------------
# agencies.yaml: agencies, their staff, assigned courses and targets
# ---------------------------------------------------------------------------


def commune_name_split(full_name: str) -> tuple[str, str] | None:
    """``("phuong", "Bến Thành")`` for “Phường Bến Thành”; ``None`` without a kind."""
    for kind, prefix in KIND_PREFIX.items():
        if full_name.startswith(prefix + " ") and full_name[len(prefix) :].strip():
            return kind, full_name[len(prefix) :].strip()
    return None


def _staff(fields: _Fields, courses, people) -> StaffSpec:
    account = _username(
        fields, "account", people, (Role.CIVIL_SERVANT,), required=False
    )
    if account:
        # The person's own name, phone and email: the fields below are not read.
        person = (people or {}).get(account)
        full_name = person.full_name if person else ""
        phone = person.phone if person else ""
        email = person.email if person else ""
    else:
        full_name = fields.text("name", max_length=150)
        phone = _phone(fields)
        email = _email(fields)
        if not fields.has("phone") and not fields.has("email"):
            fields.problem(
                None,
                "give a phone number or an email address: the person signs in "
                "with it (or “account”, a person of people.yaml)",
            )
    category = fields.choice("category", StaffCategory.values)
    position = fields.text("position", required=False, max_length=150)
    progress = tuple(
        _progress(fields.fields(where, line, value), courses)
        for where, line, value in fields.items("progress", required=False, minimum=0)
    )
    fields.done()
    return StaffSpec(
        full_name=full_name,
        category=category,
        position=position,
        phone=phone,
        email=email,
        account=account,
        progress=progress,
    )


def _agency(fields: _Fields, courses, people, sign_in: dict) -> AgencySpec:
    name = fields.text("name", max_length=200)
    kind = fields.choice("kind", Agency.Kind.values)
    commune = fields.text("commune", required=False, max_length=120)
    if commune and commune_name_split(commune) is None:
        fields.problem(
            "commune",
            f"“{commune}” does not start with "
            + ", ".join(f"“{prefix}”" for prefix in KIND_PREFIX.values()),
        )
    staff = []
    for where, line, value in fields.items("staff", required=False, minimum=0):
        member = _staff(fields.fields(where, line, value), courses, people)
        _staff_sign_in_check(fields, where, line, name, member, sign_in)
        staff.append(member)
    units = tuple(
        _agency(fields.fields(where, line, value), courses, people, sign_in)
        for where, line, value in fields.items("units", required=False, minimum=0)
    )
    fields.done()
    return AgencySpec(
        name=name, kind=kind, commune=commune, staff=tuple(staff), units=units
    )


def _assignment(fields: _Fields, courses, agency_names: set[str]) -> AssignmentSpec:
    course = fields.text("course")
    if course and course not in courses:
        fields.problem(
            "course",
            f"no course file “{course}” (the courses are: {', '.join(courses)})",
        )
    agency = fields.text("agency", required=False, max_length=200)
    if agency and agency not in agency_names:
        fields.problem("agency", f"no agency named “{agency}” under “agencies”")
    spec = AssignmentSpec(
        course=course,
        agency=agency,
        category=fields.choice("category", StaffCategory.values, required=False),
        deadline_in_days=fields.integer(
            "deadline_in_days", minimum=-365, maximum=365, default=0
        ),
    )
    fields.done()
    return spec


def _target(fields: _Fields) -> TargetSpec:
    spec = TargetSpec(
        indicator=fields.choice("indicator", Indicator.values),
        year=fields.integer("year", minimum=2020, maximum=2100, default=2020),
        percent=fields.integer("percent", minimum=1, maximum=100, default=1),
    )
    fields.done()
    return spec


def _sign_in_names(people) -> dict[str, str]:
    """Who of people.yaml signs in with each phone number and email address."""
    names = {}
    for person in people or ():
        for value in (_phone_key(person.phone), person.email.lower()):
            if value:
                names[value] = f"{PEOPLE_FILE}:{person.username}"
    return names


def _phone_key(phone: str) -> str:
    try:
        return phone_to_e164(phone) if phone else ""
    except ValidationError:
        return ""


def _agencies(fields: _Fields, courses, people, people_list) -> AgenciesSpec:
    province = fields.text("province")
    if province and not province.isdigit():
        fields.problem("province", "expected the province's 2-digit code, e.g. “79”")
    assigned_by = _username(fields, "assigned_by", people, (Role.PROVINCE_OFFICIAL,))
    agencies = []
    names: dict[str, str] = {}
    # Who signs in with each phone, email and account, on the rosters so far.
    sign_in = _sign_in_names(people_list)
    for where, line, value in fields.items("agencies"):
        agency = _agency(fields.fields(where, line, value), courses, people, sign_in)
        agencies.append(agency)
        for unit in agency.tree():
            if unit.name in names:
                fields.problems.add(
                    fields.source,
                    line,
                    where,
                    f"two agencies are named “{unit.name}”: assigned courses name "
                    "agencies, give each its own name",
                )
            names.setdefault(unit.name, where)
    assignments = []
    for where, line, value in fields.items("assignments", required=False, minimum=0):
        assignment = _assignment(fields.fields(where, line, value), courses, set(names))
        same = (assignment.course, assignment.agency, assignment.category)
        if same in [(a.course, a.agency, a.category) for a in assignments]:
            fields.problems.add(
                fields.source,
                line,
                where,
                "the same course, agency and category is assigned twice",
            )
        assignments.append(assignment)
    targets = []
    for where, line, value in fields.items("targets", required=False, minimum=0):
        target = _target(fields.fields(where, line, value))
        if (target.indicator, target.year) in [(t.indicator, t.year) for t in targets]:
            fields.problems.add(
                fields.source,
                line,
                where,
                f"a second target for {target.indicator} in {target.year}",
            )
        targets.append(target)
    fields.done()
    return AgenciesSpec(
        province_code=province,
        assigned_by=assigned_by,
        agencies=tuple(agencies),
        assignments=tuple(assignments),
        targets=tuple(targets),
    )


def _staff_sign_in_check(fields, where, line, agency_name, staff, sign_in) -> None:
    """Each account belongs to one person: staff who are people of people.yaml
    say so with ``account``, and nobody is on the rosters twice."""
    if staff.account:
        keys = [staff.account]
    else:
        keys = [key for key in (_phone_key(staff.phone), staff.email.lower()) if key]
    known = next((sign_in[key] for key in keys if key in sign_in), None)
    if known and known.startswith(f"{PEOPLE_FILE}:"):
        username = known.removeprefix(f"{PEOPLE_FILE}:")
        fields.problems.add(
            fields.source,
            line,
            where,
            f"{staff.full_name} signs in as “{username}” of {PEOPLE_FILE}: write "
            f"“account: {username}” instead",
        )
    elif known:
        fields.problems.add(
            fields.source,
            line,
            where,
            f"{staff.full_name} signs in with the phone, email or account of "
            f"{known}: each person is on the rosters once",
        )
    sign_in.update(dict.fromkeys(keys, f"{staff.full_name} ({agency_name})"))


def _courses(
    directory: Path, order, site_source: str, problems: _Problems, name
) -> dict[str, CourseSpec | None]:
    """The course files in the order ``site.yaml`` lists them (None: unreadable)."""
    courses: dict[str, CourseSpec | None] = {}
    slugs: dict[str, str] = {}
    quiz_titles: dict[str, str] = {}
    for where, line, key in order:
        path = directory / "courses" / f"{key}.yaml"
        if key in courses:
            problems.add(site_source, line, where, f"“{key}” is listed twice")
            continue
        if not path.is_file():
            problems.add(site_source, line, where, f"there is no file {name(path)}")
            continue
        data = _read_yaml(path, name(path), problems)
        courses[key] = None
        if data is None:
            continue
        fields = _Fields(problems, name(path), "", data, 1)
        course = courses[key] = _course(key, fields)
        if course.title and course.slug in slugs:
            fields.problem("title", f"makes the same address as {slugs[course.slug]}")
        slugs.setdefault(course.slug, name(path))
        for lesson in course.lessons:
            for quiz in lesson.quizzes:
                if quiz.title in quiz_titles:
                    problems.add(
                        name(path),
                        None,
                        f"lesson “{lesson.title}”",
                        f"the quiz title “{quiz.title}” is also used in "
                        f"{quiz_titles[quiz.title]}: each demo quiz needs its own",
                    )
                quiz_titles.setdefault(quiz.title, name(path))
    listed = {key for _where, _line, key in order}
    for path in sorted((directory / "courses").glob("*.yaml")):
        if path.stem not in listed:
            problems.add(
                name(path), None, "", f"not listed under “courses” in {site_source}"
            )
    return courses


def demo_content_read(directory: Path = CONTENT_DIR) -> DemoContent:
    """Read and check every demo file in ``directory``.

    Raises :class:`DemoContentError` listing every problem found, each as
    ``<file>, line <n>: <field>: <what is wrong>``.
    """
    problems = _Problems()
    directory = directory.resolve()
    # Files are named as the person running the command would open them.
    cwd = Path.cwd().resolve()
    root = cwd if directory.is_relative_to(cwd) else directory.parent

    def name(path: Path) -> str:
        return str(path.relative_to(root))

    site_path = directory / SITE_FILE
    site_data = _read_yaml(site_path, name(site_path), problems)
    site, order, courses = None, [], {}
    if site_data is not None:
        site, order = _site(_Fields(problems, name(site_path), "", site_data, 1))
        courses = _courses(directory, order, name(site_path), problems, name)

    people_path = directory / PEOPLE_FILE
    people_data = _read_yaml(people_path, name(people_path), problems)
    people_by_name = None
    if people_data is not None:
        place, people, password = _people(
            _Fields(problems, name(people_path), "", people_data, 1), courses
        )
        people_by_name = {person.username: person for person in people}

    outreach_path = directory / OUTREACH_FILE
    outreach_data = _read_yaml(outreach_path, name(outreach_path), problems)
    if outreach_data is not None:
        outreach = _outreach(
            _Fields(problems, name(outreach_path), "", outreach_data, 1),
            people_by_name,
        )

    agencies_path = directory / AGENCIES_FILE
    agencies_data = _read_yaml(agencies_path, name(agencies_path), problems)
    if agencies_data is not None:
        agencies = _agencies(
            _Fields(problems, name(agencies_path), "", agencies_data, 1),
            courses,
            people_by_name,
            people if people_data is not None else None,
        )
    if problems.lines:
        raise DemoContentError(problems.lines)
    return DemoContent(
        site=site,
        courses=tuple(courses[key] for _where, _line, key in order),
        place=place,
        people=people,
        password=password,
        outreach=outreach,
        agencies=agencies,
    )
