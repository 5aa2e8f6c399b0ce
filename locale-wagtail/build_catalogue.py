"""Rebuild the supplementary Vietnamese catalogues for Wagtail's admin.

Collects every msgid from the English catalogues of the installed Wagtail (and of
the Django catalogues the admin shows), keeps those that no installed Vietnamese
catalogue translates yet, carries over the translations already written here, then
writes vi/LC_MESSAGES/<domain>.po and compiles it with msgfmt. Only the English
(source) and Vietnamese catalogues are read, so no other language's wording can
leak in.

Run after a Wagtail or Django upgrade:  python locale-wagtail/build_catalogue.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import django
import wagtail

HERE = Path(__file__).resolve().parent
DOMAINS = ("django", "djangojs")
# Every Wagtail catalogue, plus the Django ones whose strings the admin shows
# (relative times, form validation, password fields); None means all of them.
SOURCES = ((wagtail, None), (django, ("conf", "contrib/auth")))
# Catalogues editors meet most come first in the file, so they are read first.
PRIORITY = (
    "wagtail/admin",
    "wagtail",
    "wagtail/images",
    "wagtail/documents",
    "wagtail/snippets",
    "wagtail/embeds",
    "wagtail/users",
    "wagtail/contrib/forms",
    "wagtail/contrib/redirects",
    "wagtail/contrib/settings",
    "wagtail/search",
)
HEADER = (
    "Project-Id-Version: Wagtail supplementary catalogue\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Language: vi\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a"}


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and bool(self.msgstr.get(0))


def unquote(text: str) -> str:
    body = text.strip()[1:-1]
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            out.append(ESCAPES.get(body[index + 1], body[index + 1]))
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """Parse the subset of the PO format that makemessages and msgmerge write."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(msgid="")
        target: tuple[str, int] | None = None
        seen_msgid = False
        for line in block.splitlines():
            if line.startswith("#~"):
                seen_msgid = False
                break
            if line.startswith("#,"):
                entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#:"):
                entry.references += line[2:].split()
            elif line.startswith("#."):
                entry.extracted_comments.append(line[2:].strip())
            elif line.startswith("#|"):
                continue
            elif line.startswith("#"):
                entry.translator_comments.append(line[1:].strip())
            elif line.startswith('"') and target is not None:
                name, form = target
                if name == "msgstr":
                    entry.msgstr[form] += unquote(line)
                else:
                    setattr(entry, name, getattr(entry, name) + unquote(line))
            elif line.strip():
                keyword, _, value = line.partition(" ")
                if keyword.startswith("msgstr["):
                    form = int(keyword[len("msgstr[") : -1])
                    entry.msgstr[form] = unquote(value)
                    target = ("msgstr", form)
                elif keyword == "msgstr":
                    entry.msgstr[0] = unquote(value)
                    target = ("msgstr", 0)
                else:
                    setattr(entry, keyword, unquote(value))
                    target = (keyword, 0)
                    seen_msgid = seen_msgid or keyword == "msgid"
        if seen_msgid and entry.msgid:
            entries.append(entry)
    return entries


def quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def format_field(keyword: str, text: str) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= 1:
        return f"{keyword} {quote(text)}"
    return "\n".join([f'{keyword} ""', *(quote(line) for line in lines)])


def format_entry(entry: Entry) -> str:
    lines = [f"# {c}".rstrip() for c in entry.translator_comments]
    lines += [f"#. {c}" for c in entry.extracted_comments]
    lines += [f"#: {ref}" for ref in entry.references]
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        lines.append(format_field("msgctxt", entry.msgctxt))
    lines.append(format_field("msgid", entry.msgid))
    if entry.msgid_plural is not None:
        lines.append(format_field("msgid_plural", entry.msgid_plural))
        lines.append(format_field("msgstr[0]", entry.msgstr.get(0, "")))
    else:
        lines.append(format_field("msgstr", entry.msgstr.get(0, "")))
    return "\n".join(lines)


def source_catalogues(domain: str, language: str) -> list[tuple[str, Path]]:
    """(name, path) of every catalogue in the sources, most important first."""
    found = []
    for package, apps in SOURCES:
        root = Path(package.__file__).resolve().parent
        for path in root.glob(f"**/locale/{language}/LC_MESSAGES/{domain}.po"):
            app = path.relative_to(root).parents[3].as_posix().strip(".")
            if apps is None or app in apps:
                found.append((f"{package.__name__}/{app}".rstrip("/"), path))
    return sorted(found, key=lambda item: catalogue_order(item[0]))


def catalogue_order(name: str) -> tuple[int, str]:
    rank = PRIORITY.index(name) if name in PRIORITY else len(PRIORITY)
    return (rank, name)


def build(domain: str, out_dir: Path) -> dict[str, list[int]]:
    """Write <domain>.po; return per source catalogue [missing, translated]."""
    catalogue_path = out_dir / f"{domain}.po"
    # Django merges every app's catalogue into one, so a msgid that any source
    # already translates is Vietnamese in the admin whichever app it comes from.
    done_upstream = {
        entry.key
        for _, path in source_catalogues(domain, "vi")
        for entry in parse_po(path)
        if entry.translated
    }
    ours = (
        {entry.key: entry for entry in parse_po(catalogue_path)}
        if catalogue_path.exists()
        else {}
    )
    merged: dict[tuple[str | None, str], Entry] = {}
    counts: dict[str, list[int]] = {}
    for name, path in source_catalogues(domain, "en"):
        for entry in parse_po(path):
            if entry.key in done_upstream:
                continue
            refs = [f"{name}/{ref}" for ref in entry.references]
            if entry.key in merged:
                merged[entry.key].references += refs
                continue
            previous = ours.get(entry.key)
            entry.references = refs
            entry.msgstr = {0: previous.msgstr.get(0, "")} if previous else {}
            entry.translator_comments = previous.translator_comments if previous else []
            if previous and "fuzzy" in previous.flags and "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            merged[entry.key] = entry
            tally = counts.setdefault(name, [0, 0])
            tally[0] += 1
            tally[1] += entry.translated
    dropped = len(ours.keys() - merged.keys())
    if dropped:
        print(f"{domain}: dropped {dropped} translations no longer needed")
    header = format_field("msgstr", HEADER)
    body = "\n\n".join(format_entry(entry) for entry in merged.values())
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue_path.write_text(f'msgid ""\n{header}\n\n{body}\n', encoding="utf-8")
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(out_dir / f"{domain}.mo")]
        + [str(catalogue_path)],
        check=False,
    )
    if compiled.returncode:
        raise SystemExit(f"msgfmt rejected {catalogue_path}: fix the lines above")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "vi" / "LC_MESSAGES",
        help="folder for the .po and .mo files",
    )
    args = parser.parse_args()
    print(f"Wagtail {wagtail.__version__}, Django {django.__version__}")
    for domain in DOMAINS:
        for source, (missing, translated) in build(domain, args.out).items():
            print(f"{domain:9} {source:35} {translated:5}/{missing:<5} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
