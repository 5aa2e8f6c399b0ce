"""Building the demo from its data files: a home page, a catalogue, the courses with
their quizzes, a person for every role and some progress, then the community
team's work (:mod:`demo.outreach`) and the city's agencies (:mod:`demo.agencies`).

Everything is built through the same services and model APIs the site uses, so the
demo exercises real code paths. Each step looks for what it would create before
creating it: loading the demo again adds nothing and leaves editors' changes alone.
"""

import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from community_teams.figures import hamlet_figures_recount_all
from community_teams.models import Consent, Team
from courses.models import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    LessonPage,
)
from coverage.figures import figures_rebuild
from coverage.models import Agency
from demo.agencies import demo_agencies_build
from demo.covers import cover_png
from demo.data import (
    PEOPLE_FILE,
    CourseSpec,
    DemoContent,
    DemoContentError,
    LessonSpec,
    QuizSpec,
    demo_content_read,
)
from demo.learners import (
    account_email_add,
    account_password_set,
    account_role_grant,
    progress_build,
)
from demo.outreach import demo_outreach_build
from lms.models import Commune, Hamlet, Province, User
from lms.models.users import Role
from lms.phone import phone_display, phone_to_e164
from lms.places import admin_units_load
from privacy.models import PrivacyNoticePage
from privacy.services import account_consent_record
from quizzes.models import Choice, Question, Quiz
from quizzes.permissions import BLOCK_TYPE as QUIZ_BLOCK


@dataclass
class DemoLogin:
    role: str
    name: str
    phone: str
    email: str
    # The pages the person opens, each with what they find there.
    sees: tuple[tuple[str, str], ...] = ()


@dataclass
class DemoResult:
    """What the demo contains and what this run created."""

    home: HomePage
    catalogue: CourseIndexPage
    courses: list[CoursePage]
    people: dict[str, User]
    logins: list[DemoLogin]
    password: str | None
    hamlets: list[Hamlet] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)  # the top ones
    staff: int = 0  # civil servants on the agencies' rosters
    created: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def _publish(parent: Page, page: Page) -> Page:
    """Add ``page`` below ``parent`` with a published revision, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _is_wagtail_welcome_page(page: Page) -> bool:
    """The placeholder Wagtail's migrations create: a bare page with no children."""
    return (
        page.depth == 2
        and page.content_type.model_class() is Page
        and not page.get_children().exists()
    )


def demo_site_build(
    created: Counter, content: DemoContent
) -> tuple[HomePage, CourseIndexPage]:
    """Make a HomePage the default site's root, with the catalogue below it.

    Wagtail's placeholder "Welcome" page is removed once the site no longer uses it.
    """
    site_spec = content.site
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title=site_spec.title, slug=site_spec.home_slug, intro=site_spec.home_intro
        )
        _publish(Page.get_first_root_node(), home)
        created["pages"] += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            site_name=site_spec.title,
            root_page=home,
            is_default_site=True,
        )
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.site_name = site.site_name or site_spec.title
        site.save()
        if _is_wagtail_welcome_page(previous):
            previous.delete()
    catalogue = CourseIndexPage.objects.child_of(home).filter(
        slug=site_spec.catalogue_slug
    )
    catalogue = catalogue.first()
    if catalogue is None:
        catalogue = CourseIndexPage(
            title=site_spec.catalogue_title,
            slug=site_spec.catalogue_slug,
            intro=site_spec.catalogue_intro,
        )
        _publish(home, catalogue)
        created["pages"] += 1
    return home, catalogue


def demo_privacy_notice_build(
    created: Counter, content: DemoContent
) -> PrivacyNoticePage:
    """The privacy notice, published once: its version 1 (shown at /privacy/)."""
    notice = PrivacyNoticePage.objects.first()
    if notice is None:
        spec = content.site
        notice = PrivacyNoticePage(
            title=spec.privacy_title,
            slug=spec.privacy_slug,
            summary=spec.privacy_summary,
            body=spec.privacy_body,
            needs_new_consent=True,
        )
        _publish(Page.get_first_root_node(), notice)
        created["pages"] += 1
    return notice


def _cover_image(spec: CourseSpec, created: Counter):
    image_model = get_image_model()
    title = f"Ảnh bìa: {spec.title}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(
            title=title,
            file=ImageFile(
                io.BytesIO(cover_png(spec.cover, spec.colour)),
                name=f"bia-{spec.slug}.png",
            ),
        )
        image._set_image_file_metadata()
        image.save()
        created["images"] += 1
    return image


# ---------------------------------------------------------------------------
# Quizzes
# ---------------------------------------------------------------------------


def _quiz_get_or_create(spec: QuizSpec, created: Counter) -> tuple[Quiz, bool]:
    """The demo quiz titled as ``spec``; a new one holds its questions and choices.

    An existing quiz is left as it is: an editor may have changed it.
    """
    quiz = Quiz.objects.filter(title=spec.title).first()
    if quiz is not None:
        return quiz, False
    quiz = Quiz(
        title=spec.title,
        intro=spec.intro,
        pass_mark=spec.pass_mark,
        max_attempts=spec.max_attempts,
        retry_wait_minutes=spec.retry_wait_minutes,
        questions_per_attempt=spec.questions_per_attempt,
        shuffle_choices=spec.shuffle_choices,
        review_policy=spec.review_policy,
    )
    # Saved as a cluster, as the admin's nested inline panels save a quiz.
    quiz.questions = [
        Question(
            kind=question.kind,
            text=question.text,
            explanation=question.explanation,
            sort_order=number,
            choices=[
                Choice(
                    text=choice.text,
                    is_correct=choice.correct,
                    feedback=choice.feedback,
                    sort_order=position,
                )
                for position, choice in enumerate(question.choices)
            ],
        )
        for number, question in enumerate(spec.questions)
    ]
    quiz.save()
    created["quizzes"] += 1
    created["quiz questions"] += len(spec.questions)
    return quiz, True


def _lesson_body(spec: LessonSpec, quizzes: dict[str, Quiz]) -> list[dict]:
    body = []
    for kind, value in spec.body:
        if kind == QUIZ_BLOCK:
            value = {"quiz": quizzes[value.title].pk, "required": value.required}
        body.append({"type": kind, "value": value})
    return body


def _quiz_blocks_add(lesson: LessonPage, spec: LessonSpec, new: list[Quiz]) -> bool:
    """Place quizzes created by this run in a lesson an earlier run created.

    A lesson loaded before its quiz was in the data gets it where the data puts
    it; a quiz that already existed is never placed again, so an editor who took
    it out of the lesson keeps it out. A lesson with an editor's unpublished draft
    is left alone: publishing it here would publish the draft or lose it.
    """
    if lesson.has_unpublished_changes:
        return False
    body = list(lesson.body.raw_data)
    for position, (kind, value) in enumerate(spec.body):
        if kind != QUIZ_BLOCK:
            continue
        quiz = next((q for q in new if q.title == value.title), None)
        if quiz is not None:
            block = {"quiz": quiz.pk, "required": value.required}
            body.insert(min(position, len(body)), {"type": "quiz", "value": block})
    lesson.body = body
    lesson.save_revision().publish()
    return True


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


def demo_courses_build(
    catalogue: CourseIndexPage, created: Counter, content: DemoContent
) -> list[CoursePage]:
    """The demo courses, their lessons and quizzes, published, with cover images."""
    courses = []
    for spec in content.courses:
        course = CoursePage.objects.child_of(catalogue).filter(slug=spec.slug).first()
        if course is None:
            course = CoursePage(
                title=spec.title,
                slug=spec.slug,
                summary=spec.summary,
                topic=spec.topic,
                estimated_minutes=spec.minutes,
                cover_image=_cover_image(spec, created),
            )
            _publish(catalogue, course)
            created["courses"] += 1
            created["pages"] += 1
        existing = {
            lesson.slug: lesson for lesson in LessonPage.objects.child_of(course)
        }
        for lesson_spec in spec.lessons:
            quizzes, new = {}, []
            for quiz_spec in lesson_spec.quizzes:
                quiz, made = _quiz_get_or_create(quiz_spec, created)
                quizzes[quiz_spec.title] = quiz
                if made:
                    new.append(quiz)
            lesson = existing.get(lesson_spec.slug)
            if lesson is not None:
                if new and _quiz_blocks_add(lesson, lesson_spec, new):
                    created["lessons given a quiz"] += 1
                continue
            lesson = LessonPage(
                title=lesson_spec.title,
                slug=lesson_spec.slug,
                body=_lesson_body(lesson_spec, quizzes),
                estimated_minutes=lesson_spec.minutes,
            )
            _publish(course, lesson)
            created["lessons"] += 1
            created["pages"] += 1
        courses.append(course)
    return courses


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def _demo_places(
    created: Counter, content: DemoContent
) -> tuple[Province, Commune, Team]:
    place = content.place
    if not Commune.objects.exists():
        counts = admin_units_load()
        created["provinces"] += counts["provinces_created"]
        created["communes"] += counts["communes_created"]
    province = Province.objects.filter(code=place.province_code).first()
    commune = Commune.objects.filter(
        province=province, name=place.commune_name, kind=place.commune_kind
    ).first()
    if commune is None:
        where = f"province {place.province_code}"
        if province is not None:
            where = province.full_name
        raise DemoContentError(
            [
                f"{PEOPLE_FILE}: place: no {Commune.Kind(place.commune_kind).label} "
                f"“{place.commune_name}” in {where} among the administrative units"
            ]
        )
    hamlet, new = Hamlet.objects.get_or_create(
        commune=commune,
        name=place.hamlet_name,
        defaults={"kind": place.hamlet_kind},
    )
    created["hamlets"] += new
    team, new = Team.objects.get_or_create(
        commune=commune, name=place.team_name, defaults={"hamlet": hamlet}
    )
    created["teams"] += new
    return province, commune, team


def demo_people_build(
    courses: list[CoursePage],
    content: DemoContent,
    *,
    places: tuple[Province, Commune, Team],
    password_hash: str | None,
    created: Counter,
) -> tuple[dict[str, User], list[DemoLogin]]:
    """A person for every role, scoped to the demo team, ward and city, with progress.

    ``password_hash`` (the demo password, hashed) is set on accounts that have
    none yet; ``None`` leaves accounts without a usable password (residents
    still log in with a one-time code).
    """
    province, commune, team = places
    scopes = {
        Role.TEAM_LEADER: {"team": team},
        Role.TEAM_MEMBER: {"team": team},
        Role.COMMUNE_OFFICIAL: {"commune": commune},
        Role.PROVINCE_OFFICIAL: {"province": province},
    }
    people, logins = {}, []
    for spec in content.people:
        phone = phone_to_e164(spec.phone) if spec.phone else None
        user, new = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "phone": phone,
                "phone_verified": bool(phone),
                "email": spec.email,
                "birth_year": spec.birth_year,
                "commune": commune,
            },
        )
        created["users"] += new
        if new:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            # Demo people signed up as anyone does: agreeing to the notice in force.
            account_consent_record(
                user=user, given=True, method=Consent.Method.ONLINE_SIGNUP
            )
        account_password_set(user, password_hash)
        account_email_add(user, spec.email, created)
        account_role_grant(user, spec.role, created, **scopes.get(spec.role, {}))
        people[spec.username] = user
        logins.append(
            DemoLogin(
                role=str(Role(spec.role).label),
                name=spec.full_name,
                phone=phone_display(phone) if phone else "",
                email=spec.email,
                sees=spec.sees,
            )
        )

    by_slug = {course.slug: course for course in courses}
    for spec in content.people:
        for progress in spec.progress:
            course = by_slug[content.course(progress.course).slug]
            progress_build(
                people[spec.username],
                course,
                done=progress.completed,
                open_next=progress.next_opened,
                created=created,
            )
    return people, logins


@transaction.atomic
def demo_data_load(
    *, with_passwords: bool, content: DemoContent | None = None
) -> DemoResult:
    """Build the whole demo (idempotent) and say what it contains.

    ``content`` defaults to the files in ``demo/content/``
    (:func:`demo.data.demo_content_read`, which raises
    :class:`demo.data.DemoContentError` before anything is stored). With
    ``with_passwords`` every demo account without a password gets the content's
    demo password; without it, none does.
    """
    content = content or demo_content_read()
    created: Counter = Counter()
    home, catalogue = demo_site_build(created, content)
    demo_privacy_notice_build(created, content)
    courses = demo_courses_build(catalogue, created, content)
    password = content.password if with_passwords else None
    password_hash = make_password(password) if password else None
    places = _demo_places(created, content)
    people, logins = demo_people_build(
        courses, content, places=places, password_hash=password_hash, created=created
    )
    hamlets = demo_outreach_build(
        content, commune=places[1], people=people, created=created
    )
    agencies = demo_agencies_build(
        content,
        courses=courses,
        people=people,
        password_hash=password_hash,
        created=created,
    )
    # The figures are kept by tasks queued with each change; counted here too,
    # the dashboards are right at once, with or without a task worker running.
    hamlet_figures_recount_all()
    figures_rebuild()
    return DemoResult(
        home=home,
        catalogue=catalogue,
        courses=courses,
        people=people,
        logins=logins,
        password=password,
        hamlets=hamlets,
        agencies=agencies,
        staff=len(list(content.agencies.every_staff())),
        created=created,
    )
