"""The labels of H5P content in the learner's language.

An H5P editor writes a content type's labels ("Check", "Retry", "Show solution")
into ``content.json`` in the language it was set to, usually English. Where a
label is still the English default of the library's ``semantics.json``, the
player gets it in the learner's language instead: from the library's own
``language/<code>.json`` when that translates it, else from the project's
catalogue (:data:`LABELS`). Whatever an author wrote stays as written.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .models import H5PLibrary

# The labels learners meet most in H5P's question types, as their libraries'
# semantics.json write them.
LABELS = {
    "Check": _("Check"),
    "Retry": _("Retry"),
    "Show solution": _("Show solution"),
    "True": _("True"),
    "False": _("False"),
    "Correct answer": _("Correct answer"),
    "Wrong answer": _("Wrong answer"),
    "Correct answer:": _("Correct answer:"),
    "Correct!": _("Correct!"),
    "Incorrect!": _("Incorrect!"),
    "Finish": _("Finish"),
    "Cancel": _("Cancel"),
    "Confirm": _("Confirm"),
    "Finish ?": _("Finish?"),
    "Retry ?": _("Try again?"),
    "Are you sure you wish to finish ?": _("Are you sure you want to finish?"),
    "Are you sure you wish to retry ?": _("Are you sure you want to try again?"),
    "You got @score of @total points": _("You got @score of @total points"),
    "You got :num out of :total points": _("You got :num out of :total points"),
    "Please answer before viewing the solution": _(
        "Please answer before viewing the solution"
    ),
    "Please fill in all blanks to view solution": _(
        "Please fill in all blanks to view the solution"
    ),
    "Tip": _("Tip"),
    "Show tip": _("Show tip"),
    "Feedback": _("Feedback"),
    "Start Quiz": _("Start the quiz"),
    "Previous question": _("Previous question"),
    "Next question": _("Next question"),
    "Question": _("Question"),
    "Question @current of @total": _("Question @current of @total"),
    "Question: @current of @total questions": _("Question @current of @total"),
    "Your result:": _("Your result:"),
    "Finished": _("Finished"),
    "Unanswered": _("Unanswered"),
    "Close": _("Close"),
    "Fill in the missing words": _("Fill in the missing words"),
    "Drag the words into the correct boxes": _("Drag the words into the correct boxes"),
}


def _read_json(name: str) -> Any:
    try:
        with default_storage.open(name, "rb") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=256)
def _semantics(storage_prefix: str, language: str) -> tuple[list, list]:
    """A library's fields and their translation (files never change under a
    prefix, so they are read once per process)."""
    fields = _read_json(storage_prefix + "semantics.json")
    translated = _read_json(f"{storage_prefix}language/{language}.json")
    translated = translated.get("semantics") if isinstance(translated, dict) else None
    return (
        fields if isinstance(fields, list) else [],
        translated if isinstance(translated, list) else [],
    )


class _Translator:
    def __init__(self, libraries: dict[str, H5PLibrary], language: str) -> None:
        # "H5P.TrueFalse 1.6" -> library, as content names its sub-content.
        self.libraries = libraries
        self.language = language

    def label(self, english: str, translated: Any) -> str:
        if isinstance(translated, str) and translated and translated != english:
            return translated
        if english in LABELS:
            with override(self.language):
                return str(LABELS[english])
        return english

    def library(self, library: H5PLibrary | None, params: Any) -> Any:
        if library is None or not isinstance(params, dict):
            return params
        fields, translated = _semantics(library.storage_prefix, self.language)
        self.fields(fields, translated, params)
        return params

    def fields(self, fields: list, translated: list, values: dict) -> None:
        for position, field in enumerate(fields):
            if not isinstance(field, dict) or field.get("name") not in values:
                continue
            other = translated[position] if position < len(translated) else {}
            name = field["name"]
            values[name] = self.value(
                field, other if isinstance(other, dict) else {}, values[name]
            )

    def value(self, field: dict, translated: dict, value: Any) -> Any:
        kind = field.get("type")
        if kind == "text" and isinstance(value, str) and value == field.get("default"):
            return self.label(value, translated.get("default"))
        if kind == "group":
            children = field.get("fields") or []
            others = translated.get("fields") or []
            if len(children) == 1 and not isinstance(value, dict):
                # H5P stores a group of one field as that field's value.
                wrapped = {children[0].get("name"): value}
                self.fields(children, others, wrapped)
                return wrapped[children[0].get("name")]
            if isinstance(value, dict):
                self.fields(children, others, value)
            return value
        if kind == "list" and isinstance(value, list):
            item = field.get("field") or {}
            other = translated.get("field") or {}
            return [self.value(item, other, element) for element in value]
        if kind == "library" and isinstance(value, dict):
            name = value.get("library")
            if isinstance(name, str):
                self.library(self.libraries.get(name), value.get("params"))
        return value


def content_translate(
    *, params: Any, main: H5PLibrary, libraries: list[H5PLibrary], language: str
) -> Any:
    """``params`` (a package's content.json) with default labels in ``language``."""
    if not language or language.startswith("en"):
        return params
    by_name = {
        f"{lib.machine_name} {lib.major_version}.{lib.minor_version}": lib
        for lib in libraries
    }
    return _Translator(by_name, language).library(main, params)
