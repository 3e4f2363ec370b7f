"""Every command spec is wired end to end, and the package boundaries hold.

A new query command is one :class:`~bot.chat.commands.QuerySpec`; these tests take each spec and
check that the menu, /help, its handler, the "Which ...?" follow-up, its buttons and their deep
links all answer it, so nothing has to be kept in step by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.chat import buttons, formatting
from bot.chat.commands import COMMANDS, QUERIES, SPECS, QuerySpec
from bot.chat.prompts import Prompts
from bot.movies.catalog import Catalog
from bot.movies.results import Found, Kind, Ref
from handlers import start
from handlers.incoming import known_commands
from tests.botapi import USER_ID, BotHarness, Call, bot_message, callback_query, private_message

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot/movies", "bot/daily", "bot/chat")
ANSWERS = ("sendMessage", "sendPhoto")


def answer_of(calls: list[Call]) -> Call:
    sent = [c for c in calls if c.method in ANSWERS]
    assert len(sent) == 1, [c.method for c in calls]
    return sent[0]


@pytest.mark.parametrize("spec", QUERIES, ids=lambda spec: spec.name)
def test_spec_is_in_the_menu_the_help_and_the_handlers(spec: QuerySpec,
                                                       bot_harness: BotHarness) -> None:
    bot_harness.run(start.set_menu(bot_harness.app))
    menu = bot_harness.request.of("setMyCommands")[0].params["commands"]
    assert {"command": spec.name, "description": spec.description} in menu
    help_text = answer_of(bot_harness.send(private_message("/help"))).text
    assert f"/{spec.name} — " in help_text and f"/{spec.name} {spec.example}" in help_text
    assert spec.name in known_commands(bot_harness.app)


@pytest.mark.parametrize("spec", QUERIES, ids=lambda spec: spec.name)
def test_spec_answers_its_example_as_its_catalog_question_does(
    spec: QuerySpec, bot_harness: BotHarness, catalog: Catalog
) -> None:
    """The command, and the same argument as the next message after a bare command, both
    answer with the page the spec shows for the catalog's answer."""
    found = spec.ask(catalog, spec.example)
    assert isinstance(found, Found), spec.example
    expected = spec.show(found.value)
    direct = answer_of(bot_harness.send(private_message(f"/{spec.name} {spec.example}")))
    assert (direct.text or "") in (expected.pages[0], expected.caption)

    question = answer_of(bot_harness.send(private_message(f"/{spec.name}")))
    assert question.text == formatting.ask(spec.noun, spec.example)
    followed = answer_of(bot_harness.send(private_message(spec.example)))
    assert followed.text == direct.text


@pytest.mark.parametrize("spec", QUERIES, ids=lambda spec: spec.name)
def test_spec_buttons_round_trip_as_presses_and_deep_links(
    spec: QuerySpec, bot_harness: BotHarness, catalog: Catalog
) -> None:
    """A button for the spec's answer, pressed or opened as ``/start <payload>``, gives the same
    answer as the command."""
    found = spec.ask(catalog, spec.example)
    assert isinstance(found, Found)
    direct = answer_of(bot_harness.send(private_message(f"/{spec.name} {spec.example}")))
    data = buttons.encode(spec.name, found.ref, catalog.version)
    assert buttons.decode(data, catalog.version) == buttons.Button(spec.name, found.ref)
    pressed = answer_of(bot_harness.send(callback_query(data, message=bot_message())))
    assert pressed.text == direct.text
    linked = answer_of(bot_harness.send(
        private_message(f"/start {buttons.deep_link_payload(data)}")))
    assert linked.text == direct.text


def test_every_kind_has_a_button_code_and_an_index(catalog: Catalog) -> None:
    assert set(buttons.KINDS) == set(Kind)
    assert len(set(buttons.KINDS.values())) == len(Kind)
    assert len(set(buttons.ACTIONS.values())) == len(SPECS)
    for kind in Kind:
        key = catalog.movie_ref(0).id if kind is Kind.MOVIE else 0
        assert catalog.label(Ref(kind, key))


def test_command_names_are_unique_and_valid() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    assert all(name.isascii() and name.islower() and len(name) <= 32 for name in names)


@pytest.mark.parametrize(
    "payload",
    ["{v}_cty_c_862_0", "{v}_rec_l_0_0", "{v}_lang_m_862_0", "{v}_mv_m_862_5", "{v}_dir_d_1_9999",
     "{v}_co_p_99999999_0", "{v}_mv_m_0_0"],
)
def test_forged_deep_links_say_expired_without_an_error(
    payload: str, bot_harness: BotHarness, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    """Anyone can send ``/start <anything>``: a payload whose parts do not fit together, or
    point at nothing, is an expired link, never a lookup of something else or a traceback."""
    calls = bot_harness.send(private_message("/start " + payload.format(v=catalog.version)))
    assert [(c.method, c.text) for c in calls] == [("sendMessage", formatting.EXPIRED_LINK)]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_pending_question_expires_and_is_bounded() -> None:
    now = [0.0]
    prompts = Prompts(ttl=600, limit=3, clock=lambda: now[0])
    prompts.ask(1, "director")
    assert prompts.take(1) == "director"
    assert prompts.take(1) is None
    prompts.ask(1, "director")
    now[0] = 601
    assert prompts.take(1) is None
    for chat in range(10):
        prompts.ask(chat, "movie")
    assert len(prompts) == 3
    assert prompts.take(0) is None and prompts.take(9) == "movie"


def test_pending_questions_of_many_users_are_bounded(bot_harness: BotHarness) -> None:
    """50,000 users who send a bare command and never answer leave at most the limit behind,
    and no per-chat data in the Application."""
    prompts = bot_harness.app.bot_data["prompts"]
    prompts.limit = 100
    for user in range(USER_ID, USER_ID + 300):
        bot_harness.send(private_message("/director", user_id=user))
    assert len(prompts) == 100
    assert len(bot_harness.app.chat_data) == 0


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(*CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_knows_nothing_of_telegram(path: Path) -> None:
    assert not {n for n in _imports(path) if n.split(".")[0] in ("telegram", "handlers")}
    assert not {n for n in _imports(path) if n.startswith("bot.app")}


def test_nothing_imports_private_modules_of_python_telegram_bot() -> None:
    for path in [*_modules("bot", "handlers"), ROOT / "main.py"]:
        private = {n for n in _imports(path) if n.startswith("telegram") and "._" in n}
        assert not private, path
