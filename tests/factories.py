"""factory_boy factories building the smallest state a test needs."""

import factory
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage, Topic
from lms.models import Commune, Province, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Học {n}")
    password = factory.django.Password("correct horse battery")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "79"
    name = "Hồ Chí Minh"
    kind = Province.Kind.CITY


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{26000 + n:05d}")
    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Bến Thành {n}")
    kind = Commune.Kind.WARD


def text_body(*paragraphs: str) -> list[dict]:
    return [{"type": "text", "value": f"<p>{p}</p>"} for p in paragraphs]


def wagtail_roots() -> None:
    """What Wagtail's migrations create and the flush after a transactional test
    (a live server's, say) removes: the locale, the root collection and page."""
    locale, _created = Locale.objects.get_or_create(
        language_code=settings.LANGUAGE_CODE
    )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def build_site() -> tuple[HomePage, CourseIndexPage]:
    """A home page as the default site's root, with a course catalogue below it."""
    wagtail_roots()
    root = Page.get_first_root_node()
    home = HomePage(title="Kỹ năng số cho mọi người", slug="trang-chu")
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    catalogue = CourseIndexPage(title="Khoá học", slug="khoa-hoc")
    home.add_child(instance=catalogue)
    return home, catalogue


def add_course(
    catalogue: CourseIndexPage,
    *,
    title: str = "Dịch vụ công trực tuyến",
    lessons: int = 3,
    sequential: bool = True,
    topic: str = Topic.PUBLIC_SERVICES,
    live: bool = True,
    **fields,
) -> CoursePage:
    """Add a course with ``lessons`` published text lessons under ``catalogue``."""
    course = CoursePage(
        title=title,
        summary=fields.pop(
            "summary", f"Học cách dùng {title.lower()} trên điện thoại."
        ),
        topic=topic,
        sequential=sequential,
        live=live,
        **fields,
    )
    catalogue.add_child(instance=course)
    for number in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"Bài {number}: {title}",
            body=text_body(f"Nội dung bài {number} của khoá “{title}”."),
        )
        course.add_child(instance=lesson)
    return course


# Coverage: agencies and their staff. ---------------------------------------------


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coverage.Agency"

    name = factory.Sequence(lambda n: f"Sở Nội vụ {n}")
    kind = "department"
    province = factory.SubFactory(ProvinceFactory)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coverage.StaffMember"

    agency = factory.SubFactory(AgencyFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị Công Chức {n}")
    category = "CC"
    phone = factory.Sequence(lambda n: f"+8490300{n:04d}")
