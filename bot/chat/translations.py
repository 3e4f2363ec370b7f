"""The project's command for its gettext catalogs, built on Babel.

    python -m bot.chat.translations extract   # new and changed messages into every .po
    python -m bot.chat.translations compile   # every .po into its .mo (checked in)
    python -m bot.chat.translations check     # fail when a .po or .mo is stale or incomplete
    python -m bot.chat.translations init fr   # start a new language's .po

Messages are found in ``bot/`` and ``handlers/`` by Babel's Python extractor: calls of
``_``, ``ngettext`` (a :class:`~bot.chat.i18n.Translator`'s methods) and ``N_`` (marks).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.chat.i18n import DOMAIN, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
SOURCES = ("bot", "handlers")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PROJECT = "movie-bot"


def template() -> Catalog:
    """Every message the code may send, extracted from the sources."""
    catalog = Catalog(project=PROJECT, fuzzy=False)
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
        ):
            catalog.add(message, None, [(f"{source}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    return catalog


def po_files() -> Iterator[tuple[str, Path]]:
    """(language, path) of every translation catalog."""
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        yield po.parent.parent.name, po


def read(path: Path, language: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, ignore_obsolete=True,
                 no_location=True, sort_output=True)


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog (fuzzy entries left out, as gettext would)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def extract() -> None:
    """Bring every .po up to date with the sources: new messages empty, gone ones dropped."""
    pot = template()
    for _language, path in po_files():
        catalog = read(path, _language)
        catalog.update(pot, update_header_comment=False)
        write(path, catalog)


def init(language: str) -> Path:
    """A new language's .po, every message untranslated."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale=language, domain=DOMAIN, project=PROJECT, fuzzy=False)
    catalog.update(template())
    write(path, catalog)
    return path


def compile_all() -> None:
    for language, path in po_files():
        path.with_suffix(".mo").write_bytes(compiled(read(path, language)))


def problems() -> list[str]:
    """What is stale or missing: messages not in a .po (or no longer in the code),
    untranslated or fuzzy entries, and .mo files that do not match their .po."""
    wanted = {message.id for message in template() if message.id}
    found = []
    for language, path in po_files():
        catalog = read(path, language)
        have = {message.id for message in catalog if message.id}
        found += [f"{language}: missing {m!r}" for m in sorted(map(str, wanted - have))]
        found += [f"{language}: stale {m!r}" for m in sorted(map(str, have - wanted))]
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                found.append(f"{language}: untranslated {message.id!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            found.append(f"{language}: {mo.name} is stale: run compile")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    elif command == "init" and len(argv) == 2:
        print(init(argv[1]))
    elif command == "check":
        for problem in problems():
            print(problem, file=sys.stderr)
        return 1 if problems() else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
