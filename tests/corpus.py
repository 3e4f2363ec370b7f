"""The questions corpus (``tests/questions_corpus.tsv``) and how one question is scored: what
the bot understood (intent, the entity the catalog resolves it to, the filters written back)
against what the corpus expects. Shared by ``tests/test_questions_corpus.py`` and
``bench/bench_questions.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.chat import formatting, questions
from bot.chat.commands import SPECS
from bot.movies.catalog import Catalog
from bot.movies.results import CollectionInfo, Found, Kind, Ref

CORPUS = Path(__file__).with_name("questions_corpus.tsv")
ANY = "*"
"""Expected entity of an ambiguous name: the answer is a choice, asked with buttons."""


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str
    entity: str
    filters: str


def load(path: Path = CORPUS) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, intent, entity, filters = [*line.split("\t"), "", "", ""][:4]
            cases.append(Case(text, intent, entity, filters))
    return cases


def understood(catalog: Catalog, text: str) -> Case:
    """What the bot makes of ``text``, in the corpus's terms."""
    intent = questions.interpret(catalog, text)
    if isinstance(intent, questions.NotUnderstood):
        return Case(text, "unknown", "", "")
    if isinstance(intent, questions.Discover):
        found = catalog.discover(intent.filters)
        assert isinstance(found, Found)
        line = formatting.criteria(found.value)
        if intent.like is None:
            return Case(text, "discover", "", line)
        return Case(text, "recommend", _entity(catalog, "movie", intent.like), line)
    return Case(text, intent.action, _entity(catalog, intent.action, intent.query), "")


def _entity(catalog: Catalog, action: str, query: str | Ref) -> str:
    """The label of what ``query`` resolves to for ``action`` (titles for the commands about a
    movie), or :data:`ANY` for a choice."""
    if action in ("runtime", "recommend"):
        action = "movie"
    found = SPECS[action].ask(catalog, query)
    if not isinstance(found, Found):
        return ANY
    value = found.value
    if isinstance(value, CollectionInfo):
        return value.name
    if found.ref.kind is Kind.MOVIE:
        return catalog.label(found.ref) or ""
    return getattr(value, "name", "")


def matches(expected: Case, got: Case) -> bool:
    return (expected.intent, expected.entity, expected.filters) == (
        got.intent, got.entity, got.filters)
