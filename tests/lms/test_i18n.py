"""The interface in Vietnamese, the site's default language, and its catalogue.

Test settings run in English, so each test here switches to Vietnamese the way a
visitor would get it: the site default, the browser's language or the language form.
"""

import ast
import gettext
import os
import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

from courses.models import Enrollment
from lms.models import User
from tests.factories import add_course

REPOSITORY = Path(__file__).resolve().parents[2]
CATALOGUE = REPOSITORY / "locale" / "vi" / "LC_MESSAGES"
# The catalogues, and the folders makemessages is told to skip: Wagtail's
# supplementary catalogue, installed packages, collected static files, tests and
# benchmarks.
NOT_EXTRACTED = {
    "locale",
    "locale-wagtail",
    ".venv",
    "node_modules",
    "staticfiles",
    "tests",
    "bench",
}
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"

# Whole English words that no Vietnamese sentence contains (unlike "an", "to" or
# "in", which are Vietnamese words too).
ENGLISH_WORDS = {
    "account",
    "already",
    "and",
    "code",
    "create",
    "enter",
    "have",
    "here",
    "instead",
    "log",
    "mobile",
    "name",
    "new",
    "number",
    "password",
    "phone",
    "send",
    "sign",
    "the",
    "we",
    "will",
    "with",
    "you",
    "your",
}
# What every page shows around its content (header, footer), in English.
FRAME_WORDING = [
    "Skip to content",
    "Digital skills",
    "Courses",
    "Log in",
    "Sign up",
    "Language",
    "Change",
    "A free digital-skills learning platform",
]


@pytest.fixture
def vietnamese_default(settings):
    settings.LANGUAGE_CODE = "vi"


def visible_text(html: str) -> str:
    """What a person reads or hears on the page: text plus labelling attributes."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    attributes = re.findall(r'(?:placeholder|aria-label|title|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(" ".join([text, *attributes])).split())


def english_left(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]+", text)} & ENGLISH_WORDS


def assert_vietnamese(html: str, *, expected: list[str], english: list[str]) -> None:
    assert '<html lang="vi">' in html
    text = visible_text(html)
    for wording in expected:
        assert wording in text, wording
    for wording in FRAME_WORDING + english:
        assert wording not in text, wording
    assert not english_left(text), english_left(text)


def test_home_page_is_vietnamese_by_default(client, site_tree, vietnamese_default):
    add_course(site_tree["catalogue"], estimated_minutes=15)

    response = client.get("/")

    assert response.status_code == 200
    assert_vietnamese(
        response.content.decode(),
        expected=[
            "Đăng ký bằng số điện thoại",
            "Khoá học",
            "Đăng nhập",
            "Chủ đề",
            "Dịch vụ công trực tuyến & VNeID",
            "15 phút",
            "Xem tất cả khoá học",
        ],
        english=["Sign up with your phone number", "Topics", "minutes", "See all"],
    )


def test_catalogue_is_vietnamese_by_default(client, site_tree, vietnamese_default):
    catalogue = site_tree["catalogue"]
    add_course(catalogue, title="Thanh toán không dùng tiền mặt", estimated_minutes=1)

    response = client.get(catalogue.url)

    assert response.status_code == 200
    assert_vietnamese(
        response.content.decode(),
        expected=[
            "Tìm khoá học",
            "Ví dụ: dich vu cong",
            "Tất cả chủ đề",
            "Tìm kiếm",
            "1 khoá học",
            "1 phút",
        ],
        english=["Search", "All topics", "For example", "course", "minute"],
    )


def test_course_page_speaks_of_courses_and_lessons_in_vietnamese(
    client, course, vietnamese_default
):
    response = client.get(course.url)

    assert_vietnamese(
        response.content.decode(),
        expected=[
            "Tất cả khoá học",
            "Đăng ký để bắt đầu học",
            "Tôi đã có tài khoản",
            "Bài học",
        ],
        english=["All courses", "Sign up to start learning", "Lessons", "About"],
    )


def test_signup_page_is_entirely_vietnamese(client, db, vietnamese_default):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    assert_vietnamese(
        response.content.decode(),
        expected=[
            "Tạo tài khoản",
            "Bạn đã có tài khoản?",
            "Họ và tên",
            "Số điện thoại di động",
            "Chúng tôi sẽ gửi mã xác nhận 6 chữ số đến số này bằng tin nhắn SMS.",
            "Không có điện thoại di động? Hãy đăng ký bằng địa chỉ email",
            "Địa chỉ email",
            "Mật khẩu",
        ],
        english=[
            "Create an account",
            "Already have an account?",
            "Full name",
            "As it should appear on your certificates.",
            "Mobile phone number",
            "We will send a 6-digit code",
            "No mobile phone?",
            "Email address",
            "Password",
            "Create my account",
            "We use your mobile number",
        ],
    )


def test_login_page_is_entirely_vietnamese(client, db, vietnamese_default):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert_vietnamese(
        response.content.decode(),
        expected=[
            "Bằng số điện thoại",
            "Gửi mã cho tôi",
            "Bằng địa chỉ email và mật khẩu",
            "Địa chỉ email hoặc số điện thoại",
            "Quên mật khẩu?",
            "Không có mật khẩu? Hãy nhận mã qua email.",
            "Bạn chưa có tài khoản?",
        ],
        english=[
            "With your mobile number",
            "You do not need a password",
            "Send me a code",
            "With your email address and password",
            "Email address or mobile number",
            "Forgot your password?",
            "No password?",
            "New here?",
            "Create an account",
        ],
    )


def test_browser_asking_for_vietnamese_gets_a_vietnamese_phone_error(client, db):
    response = client.post(
        SIGNUP,
        {"full_name": "Nguyễn Thị Lan", "phone": "0123 45"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Hãy nhập số điện thoại di động Việt Nam hợp lệ, ví dụ 0912 345 678." in text
    assert "Enter a valid" not in text
    assert not User.objects.exists()


def test_dates_read_day_month_year(client, user, course, vietnamese_default):
    completed = datetime(2025, 8, 5, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    Enrollment.objects.create(user=user, course=course, completed_at=completed)
    client.force_login(user)

    learning = visible_text(client.get("/learning/").content.decode())
    course_page = visible_text(client.get(course.url).content.decode())

    assert "Việc học của tôi" in learning
    assert "Hoàn thành ngày 05/08/2025 · 100%" in learning
    assert "Bạn đã hoàn thành khoá học này ngày 05/08/2025." in course_page
    for other in ("2025-08-05", "08/05/2025", "Aug"):
        assert other not in learning + course_page


def test_language_form_switches_to_english_and_back(
    client, site_tree, vietnamese_default
):
    assert "Đăng ký bằng số điện thoại" in client.get("/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign up with your phone number" in html
    assert "Đăng ký bằng số điện thoại" not in html

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})

    assert "Đăng ký bằng số điện thoại" in client.get("/").content.decode()


# The catalogue itself.


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    plural: str | None
    translations: tuple[str, ...]
    flags: frozenset[str]
    references: str


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file as makemessages writes it (obsolete ones left out)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        references = []
        keyword = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#:"):
                references.append(line[2:].strip())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[keyword] += ast.literal_eval(line)
            else:
                keyword, _, value = line.partition(" ")
                fields[keyword] = ast.literal_eval(value)
        if "msgid" not in fields:
            continue
        entries.append(
            Entry(
                context=fields.get("msgctxt"),
                msgid=fields["msgid"],
                plural=fields.get("msgid_plural"),
                translations=tuple(
                    value for key, value in fields.items() if key.startswith("msgstr")
                ),
                flags=frozenset(flags),
                references=" ".join(references),
            )
        )
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(CATALOGUE / "django.po")


def messages(po_entries: list[Entry]) -> list[Entry]:
    return [entry for entry in po_entries if entry.msgid]


def test_catalogue_header_is_vietnamese_with_one_plural_form(po_entries):
    header = next(entry for entry in po_entries if entry.msgid == "")

    assert "Language: vi\n" in header.translations[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.translations[0]
    assert "charset=UTF-8" in header.translations[0]
    assert "fuzzy" not in header.flags


def test_every_message_is_translated_and_checked(po_entries):
    untranslated = [
        entry.msgid
        for entry in messages(po_entries)
        if not entry.translations or not all(entry.translations)
    ]
    fuzzy = [entry.msgid for entry in messages(po_entries) if "fuzzy" in entry.flags]

    assert len(messages(po_entries)) > 500
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy, to check: {fuzzy}"


PYTHON_FORMAT = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%%")
BRACE_FORMAT = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str, flags: frozenset[str]) -> set[str]:
    found = set(PYTHON_FORMAT.findall(text)) | set(TAG.findall(text))
    if "python-brace-format" in flags:
        found |= set(BRACE_FORMAT.findall(text))
    return found


def test_translations_keep_every_placeholder_and_tag(po_entries):
    broken = []
    for entry in messages(po_entries):
        expected = placeholders(entry.msgid, entry.flags)
        if entry.plural is not None:
            # Vietnamese has one form, used for every count: it needs the plural's.
            expected |= placeholders(entry.plural, entry.flags)
        for translated in entry.translations:
            if placeholders(translated, entry.flags) != expected:
                broken.append((entry.msgid, translated))

    assert not broken


def test_compiled_catalogue_matches_the_po_file(po_entries):
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    stale = []
    for entry in messages(po_entries):
        if entry.plural is not None and entry.context is not None:
            found = catalogue.npgettext(entry.context, entry.msgid, entry.plural, 1)
        elif entry.plural is not None:
            found = catalogue.ngettext(entry.msgid, entry.plural, 1)
        elif entry.context is not None:
            found = catalogue.pgettext(entry.context, entry.msgid)
        else:
            found = catalogue.gettext(entry.msgid)
        if found != entry.translations[0]:
            stale.append(entry.msgid)

    assert not stale, f"run msgfmt again; not compiled yet: {stale}"


# What makemessages would extract, read here without the gettext tools, so a string
# added to the code without a translation fails the build.

PYTHON_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
# templatize writes each message as a gettext call with Python string literals.
LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext|_)\(((?:" + LITERAL + r",? ?)+)")
TEMPLATE_LITERAL = re.compile(LITERAL)


def python_messages(source: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in PYTHON_KEYWORDS:
            continue
        context_at, msgid_at = PYTHON_KEYWORDS[name]
        literals = [
            arg.value
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            else None
            for arg in node.args
        ]
        if len(literals) <= msgid_at or literals[msgid_at] is None:
            continue
        context = None if context_at is None else literals[context_at]
        found.add((context, literals[msgid_at]))
    return found


def template_messages(source: str, origin: str) -> set[tuple[str | None, str]]:
    found = set()
    for name, arguments in TEMPLATE_CALL.findall(templatize(source, origin=origin)):
        literals = [
            ast.literal_eval(text) for text in TEMPLATE_LITERAL.findall(arguments)
        ]
        if name.startswith(("pgettext", "npgettext")):
            found.add((literals[0], literals[1]))
        else:
            found.add((None, literals[0]))
    return found


def source_files():
    for folder, subfolders, files in os.walk(REPOSITORY):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".")
            and not (Path(folder) == REPOSITORY and name in NOT_EXTRACTED)
        ]
        for name in files:
            if Path(name).suffix in {".py", ".html", ".txt"}:
                yield Path(folder) / name


def test_every_string_in_the_code_is_in_the_catalogue(po_entries):
    catalogued = {(entry.context, entry.msgid) for entry in messages(po_entries)}
    in_code = {}
    for path in source_files():
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(REPOSITORY))
        if path.suffix == ".py":
            found = python_messages(source)
        else:
            found = template_messages(source, origin=where)
        for key in found:
            in_code.setdefault(key, where)

    missing = {key: where for key, where in in_code.items() if key not in catalogued}

    assert len(in_code) > 500
    assert not missing, (
        f"Run makemessages (see the Makefile) and translate these: {missing}"
    )


def test_the_admin_menus_pages_is_not_called_pagination():
    """The admin's menu item "Pages" and our pagination label differ in Vietnamese."""
    with translation.override("vi"):
        assert translation.gettext("Pages") == "Trang"
        assert translation.pgettext("pagination", "Pages") == "Phân trang"
