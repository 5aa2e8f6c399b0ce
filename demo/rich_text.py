"""Lesson text written in Markdown, turned into the HTML Wagtail's rich text stores.

Each rich-text field of a lesson offers only some features (a step offers bold,
italic and links; a text block also headings, lists and rules), as the editor's
toolbar does. Text that needs anything else is refused with what it used, so the
demo never holds what an editor could not have written.
"""

import re
from html.parser import HTMLParser

import markdown

# The HTML elements each Wagtail rich-text feature stores.
FEATURE_TAGS = {
    "bold": {"b"},
    "italic": {"i"},
    "link": {"a"},
    "h2": {"h2"},
    "h3": {"h3"},
    "ul": {"ul", "li"},
    "ol": {"ol", "li"},
    "hr": {"hr"},
}
# Paragraphs and line breaks are in every rich-text field.
ALWAYS = {"p", "br"}
# Markdown's names for bold and italic, and the ones the admin's editor saves.
SAME_AS = {"strong": "b", "em": "i"}

TAG_NAMES = {
    "h1": "a first-level heading (# …)",
    "h4": "a fourth-level heading (#### …)",
    "h5": "a fifth-level heading",
    "h6": "a sixth-level heading",
    "h2": "a heading (## …)",
    "h3": "a sub-heading (### …)",
    "ul": "a bulleted list",
    "ol": "a numbered list",
    "li": "a list",
    "a": "a link",
    "hr": "a horizontal rule (---)",
    "pre": "a code block",
    "code": "code (`…`)",
    "blockquote": "a quotation (> …)",
    "img": "an image (![…](…))",
    "table": "a table",
}


class RichTextError(ValueError):
    """The text uses something its field does not offer; the message says what."""


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def allowed_tags(features: list[str]) -> set[str]:
    tags = set(ALWAYS)
    for feature in features:
        tags |= FEATURE_TAGS.get(feature, set())
    return tags


def markdown_to_rich_text(source: str, *, features: list[str]) -> str:
    """The rich-text HTML of ``source`` (Markdown), using only ``features``.

    Raises :class:`RichTextError` naming each element the field cannot hold, and a
    link without an address or with attributes other than its address.
    """
    html = markdown.markdown(source, output_format="html")
    for name, saved_as in SAME_AS.items():
        html = re.sub(rf"<(/?){name}>", rf"<\1{saved_as}>", html)
    # Soft line breaks of the source are spaces; blocks need no separator.
    html = re.sub(r">\s*\n\s*<", "><", html.strip())
    html = re.sub(r"\s*\n\s*", " ", html)

    parser = _Elements()
    parser.feed(html)
    parser.close()
    allowed = allowed_tags(features)
    refused, problems = [], []
    for tag, attrs in parser.tags:
        if tag not in allowed:
            name = TAG_NAMES.get(tag, f"<{tag}>")
            if name not in refused:
                refused.append(name)
        elif tag == "a":
            names = {attr for attr, _value in attrs}
            if not dict(attrs).get("href"):
                problems.append("a link has no address: write [text](https://…)")
            elif names != {"href"}:
                problems.append("a link may only have its address, no title")
        elif attrs:
            problems.append(f"<{tag}> may not have attributes")
    if refused:
        offered = ", ".join(features) or "plain paragraphs"
        problems.insert(
            0,
            f"uses {', '.join(refused)}, which this field does not offer "
            f"(it offers: {offered})",
        )
    if problems:
        raise RichTextError("; ".join(dict.fromkeys(problems)))
    return html
