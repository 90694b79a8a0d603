#!/usr/bin/env python3
"""Report untranslated or fuzzy entries of a gettext catalogue; optionally fill them in.

Our msgids are Chinese; the English catalogue must translate every one of them.

    python scripts/check_translations.py                  # report; exit 1 if any are missing
    python scripts/check_translations.py --dump todo.json # write the missing msgids as JSON
    python scripts/check_translations.py --apply done.json  # fill translations from JSON

The JSON maps msgid to its translation (a list of strings for plural entries; a key
"<msgctxt>\\u0004<msgid>" for entries with a context). Applying also clears the ``fuzzy`` flag
of the entries it fills. Run ``make messages`` (makemessages + compilemessages) afterwards, or
``manage.py compilemessages``. Standard library only, so it runs before the venv exists.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTX_SEP = "\u0004"


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # every "#" line except flags
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    obsolete: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}{CTX_SEP}{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def untranslated(self) -> bool:
        return any(s == "" for s in self.msgstr)

    def source(self) -> str:
        refs = [c[3:] for c in self.comments if c.startswith("#: ")]
        return " ".join(refs)[:120]


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    )
    parts = escaped.split("\n")
    if len(parts) == 1:
        return f'"{escaped}"'
    lines = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def flush():
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in text.splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
            current.obsolete = True
        if line.startswith("#") and started:
            flush()  # a new entry without a blank line before it
        if line.startswith("#,"):
            current.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            continue
        if line.startswith("#"):
            current.comments.append(line)
            continue
        started = True
        if line.startswith("msgctxt "):
            current.msgctxt = _unquote(line[8:])
            target = ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural = _unquote(line[13:])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            current.msgid = _unquote(line[6:])
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            idx = int(line[7 : line.index("]")])
            value = _unquote(line[line.index("]") + 1 :])
            while len(current.msgstr) <= idx:
                current.msgstr.append("")
            current.msgstr[idx] = value
            target = ("msgstr", idx)
        elif line.startswith("msgstr "):
            current.msgstr[0] = _unquote(line[7:])
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            kind, idx = target
            value = _unquote(line)
            if kind == "msgstr":
                current.msgstr[idx] += value
            elif kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgid += value
        else:
            raise ValueError(f"cannot parse line: {raw!r}")
    flush()
    return entries


def serialise(entries: list[Entry]) -> str:
    blocks = []
    for e in entries:
        prefix = "#~ " if e.obsolete else ""
        # gettext's order: comments and references, then flags, then the previous msgid.
        lines = [c for c in e.comments if not c.startswith("#|")]
        if e.flags:
            lines.append("#, " + ", ".join(e.flags))
        lines += [c for c in e.comments if c.startswith("#|")]
        body = []
        if e.msgctxt is not None:
            body.append("msgctxt " + _quote(e.msgctxt))
        body.append("msgid " + _quote(e.msgid))
        if e.msgid_plural is not None:
            body.append("msgid_plural " + _quote(e.msgid_plural))
            for i, s in enumerate(e.msgstr):
                body.append(f"msgstr[{i}] " + _quote(s))
        else:
            body.append("msgstr " + _quote(e.msgstr[0]))
        if prefix:
            body = [prefix + b.replace("\n", "\n" + prefix) for b in body]
        blocks.append("\n".join(lines + body))
    return "\n\n".join(blocks) + "\n"


def catalogue_path(locale: str) -> Path:
    return ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"


def problems(entries: list[Entry]) -> list[tuple[str, Entry]]:
    found = []
    for e in entries:
        if e.is_header or e.obsolete:
            continue
        if e.fuzzy:
            found.append(("fuzzy", e))
        elif e.untranslated:
            found.append(("untranslated", e))
    return found


def fix_header(entries: list[Entry], locale: str) -> None:
    for e in entries:
        if e.is_header:
            e.flags = [f for f in e.flags if f != "fuzzy"]
            header = e.msgstr[0]
            header = re.sub(r"Language: [^\n]*\n", f"Language: {locale}\n", header)
            for name, value in [
                ("Project-Id-Version", "gz-social-work-portal"),
                ("PO-Revision-Date", time.strftime("%Y-%m-%d %H:%M%z")),
                ("Last-Translator", "portal maintainers"),
                ("Language-Team", locale),
            ]:
                header = re.sub(rf"{name}: [^\n]*\n", f"{name}: {value}\n", header)
            e.msgstr[0] = header
            e.comments = [
                c
                for c in e.comments
                if not c.startswith(
                    (
                        "# SOME DESCRIPTIVE",
                        "# Copyright (C) YEAR",
                        "# This file is distributed",
                        "# FIRST AUTHOR",
                    )
                )
                and c != "#"
            ] or ["# English catalogue of the Guangzhou social-work station portal."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="en")
    parser.add_argument("--dump", metavar="JSON", help="write missing msgids to this file")
    parser.add_argument("--apply", metavar="JSON", help="fill translations from this file")
    args = parser.parse_args(argv)

    path = catalogue_path(args.locale)
    if not path.exists():
        print(f"{path} does not exist: run makemessages first", file=sys.stderr)
        return 2
    entries = parse(path.read_text(encoding="utf-8"))

    if args.apply:
        mapping = json.loads(Path(args.apply).read_text(encoding="utf-8"))
        filled = 0
        for e in entries:
            if e.is_header or e.key not in mapping:
                continue
            value = mapping[e.key]
            values = value if isinstance(value, list) else [value] * len(e.msgstr)
            if any(not v for v in values):
                continue
            e.msgstr = list(values)
            e.flags = [f for f in e.flags if f != "fuzzy"]
            e.comments = [c for c in e.comments if not c.startswith("#|")]
            filled += 1
        fix_header(entries, args.locale)
        path.write_text(serialise(entries), encoding="utf-8")
        print(f"filled {filled} entries in {path.relative_to(ROOT)}")

    found = problems(entries)
    if args.dump:
        todo = {
            e.key: ([""] * len(e.msgstr) if e.msgid_plural is not None else "")
            for _kind, e in found
        }
        Path(args.dump).write_text(json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {len(todo)} msgids to {args.dump}")
    total = sum(1 for e in entries if not e.is_header and not e.obsolete)
    for kind, e in found:
        print(f"{kind:12} {e.key!r}  ({e.source()})")
    print(
        f"{args.locale}: {total - len(found)} of {total} entries translated, "
        f"{sum(1 for k, _ in found if k == 'untranslated')} untranslated, "
        f"{sum(1 for k, _ in found if k == 'fuzzy')} fuzzy"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
