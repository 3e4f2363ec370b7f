"""Charts: the pictures themselves (bot/chat/charts.py), the /chart command and the 📊 buttons.

The drawings are checked as PNGs (signature, 1,280 px wide, height from the number of movies);
the handlers are checked by what they upload to the Bot API (a multipart photo).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

from bot.chat import buttons, charts, formatting
from bot.chat.charts import DPI, MAX_BARS
from bot.movies.catalog import Catalog
from bot.movies.results import BoxOffice, Choice, DirectedMovie, Found, Kind, MovieRef
from tests.botapi import USER_ID, BotHarness, Call, bot_message, callback_query, private_message

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR is always the first chunk)."""
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def money_height(rows: int) -> int:
    ticks = charts.TICKS_IN if rows > 12 else 0
    inches = charts.HEADER_IN + ticks + rows * charts.ROW_IN + charts.FOOTER_IN
    return int(inches * DPI)


def box(*movies: tuple[str, int | None, int | None, int | None],
        kind: Kind = Kind.DIRECTOR) -> BoxOffice:
    return BoxOffice(kind, "Some Body", tuple(
        DirectedMovie(MovieRef(i, title, year), budget, revenue)
        for i, (title, year, budget, revenue) in enumerate(movies, 1)
    ))


def draw(chart: charts.Chart) -> bytes:
    """Draw, failing on any warning (a missing glyph would be one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return charts.render(chart)


def test_unknown_money_is_shown_as_unknown_and_return_only_where_both_are_known() -> None:
    value = box(("Known", 2001, 10_000_000, 45_000_000), ("No budget", 2003, None, 9_000_000),
                ("No revenue", 2005, 5_000_000, None), ("Nothing", 2007, None, None))
    chart = charts.box_office(value)
    assert [bar.ret for bar in chart.bars] == [4.5, None, None, None]
    assert chart.subtitle == "4 movies · revenue $54M (2 known) · return 4.5×"  # noqa: RUF001
    assert png_size(draw(chart)) == (1280, money_height(4))


def test_one_movie_and_no_money_at_all() -> None:
    chart = charts.box_office(box(("Alone", None, None, None)))
    assert chart.bars[0].label == "Alone"
    assert chart.subtitle == "1 movie · revenue unknown"
    assert png_size(draw(chart)) == (1280, money_height(1))


def test_two_hundred_movies_show_the_top_thirty_in_release_order() -> None:
    movies = [(f"Movie {i}", 1900 + i // 2, None if i % 7 else 1_000_000, i * 1_000_000)
              for i in range(200)]
    chart = charts.box_office(box(*movies))
    assert len(chart.bars) == MAX_BARS
    assert [bar.label for bar in chart.bars] == [
        f"Movie {i} ({1900 + i // 2})" for i in range(170, 200)
    ]
    assert chart.note == "Top 30 of 200 by revenue, in release order"
    png = draw(chart)
    assert png_size(png) == (1280, money_height(MAX_BARS))
    assert len(png) < 400_000


def test_non_latin_titles_are_drawn_or_marked_never_boxes() -> None:
    chart = charts.box_office(box(
        ("Κλέφτες", 1996, 1_000_000, 3_000_000), ("Оно", 1990, None, None),
        ("Doraemon:貓狗時空傳", 2004, None, 2_000_000), ("ファンタスティポ", 2005, None, None),
        ("هیچ کجا هیچ کس", 2010, None, None), ("$9.99 & $1 Man", 2008, 10, 20),
    ))
    assert charts._drawable("Κλέφτες Оно") == "Κλέφτες Оно"
    assert charts._drawable("Doraemon:貓狗時空傳") == "Doraemon:?"
    assert png_size(draw(chart))[0] == 1280


def test_long_titles_keep_their_start_and_end() -> None:
    assert charts.shorten("Indiana Jones and the Temple of Doom", 32) == (
        "Indiana Jones…Temple of Doom"
    )
    assert charts.shorten("Harry Potter and the Philosopher's Stone", 32) == (
        "Harry Potter…Philosopher's Stone"
    )
    assert charts.shorten("Up", 32) == "Up"
    assert len(charts.shorten("x" * 80, 32)) <= 32


def test_a_collection_is_the_series_in_order() -> None:
    chart = charts.box_office(box(("One", 2001, 1, 2), ("Two", 2003, 1, 2),
                                  kind=Kind.COLLECTION))
    assert chart.note == "The series in release order"
    assert [bar.label for bar in chart.bars] == ["One (2001)", "Two (2003)"]


def test_movies_per_decade(catalog: Catalog) -> None:
    found = catalog.chart(catalog.country("Japan").ref)
    assert isinstance(found, Found)
    chart = charts.decades(found.value)
    assert chart.title == "Movies from Japan, per decade"
    assert sum(n for _, n in chart.bars) == found.value.total - found.value.undated
    assert png_size(draw(chart)) == (1280, int(5.0 * DPI))


def test_the_cache_draws_each_chart_once_and_is_bounded() -> None:
    cache = charts.PngCache(size=2)
    a, b, c = (charts.box_office(box((name, 2000, 1, 2))) for name in "abc")
    first = cache.png(a)
    assert cache.png(a) is first and cache.renders == 1
    cache.png(b)
    cache.png(c)
    assert cache.renders == 3 and cache.cached(a) is None and cache.cached(c) is not None


def test_drawing_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads = []

    def render(chart: charts.Chart) -> bytes:
        threads.append(threading.current_thread())
        return b"png"

    monkeypatch.setattr(charts, "render", render)
    chart = charts.box_office(box(("Threaded", 2000, 1, 2)))
    assert asyncio.run(charts.PngCache().png_async(chart)) == b"png"
    assert threads and threads[0] is not threading.main_thread()


def test_a_name_is_a_director_a_company_or_a_collection(catalog: Catalog) -> None:
    kinds = {q: catalog.chart(q) for q in ("Christopher Nolan", "Pixar", "Harry Potter")}
    assert [(r.ref.kind, r.value.name) for r in kinds.values() if isinstance(r, Found)] == [
        (Kind.DIRECTOR, "Christopher Nolan"), (Kind.COMPANY, "Pixar Animation Studios"),
        (Kind.COLLECTION, "Harry Potter Collection"),
    ]
    warner = catalog.chart("Warner")
    assert isinstance(warner, Choice) and warner.ambiguous
    labels = [o.label for o in warner.options]
    assert "Warner Bros. (company)" in labels and "Paul Warner (director)" in labels
    matrix = catalog.chart(catalog.movie("The Matrix").ref)
    assert isinstance(matrix, Found) and matrix.value.name == "The Matrix Collection"


# -- through the bot --------------------------------------------------------------------------


def photo_of(calls: list[Call]) -> Call:
    photos = [c for c in calls if c.method == "sendPhoto"]
    assert len(photos) == 1, [c.method for c in calls]
    return photos[0]


def test_chart_command_uploads_a_png_with_a_caption(bot_harness: BotHarness) -> None:
    call = photo_of(bot_harness.send(private_message("/chart Christopher Nolan")))
    assert call.chat_id == USER_ID
    assert call.text is not None and call.text.startswith("📊 <b>Christopher Nolan</b>: ")
    assert call.upload is not None and png_size(call.upload)[0] == 1280


def test_chart_buttons_under_answers_send_the_chart_once_drawn(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    answer = bot_harness.send(private_message("/director Christopher Nolan"))[0]
    data = dict(label_data for row in answer.buttons for label_data in row)[formatting.CHART]
    first = photo_of(bot_harness.send(callback_query(data, message=bot_message(answer.text))))
    renders = charts.CACHE.renders
    again = photo_of(bot_harness.send(callback_query(data, message=bot_message(answer.text))))
    assert charts.CACHE.renders == renders and again.upload == first.upload

    country = bot_harness.send(private_message("/language French"))[0]
    decade = dict(ld for row in country.buttons for ld in row)[formatting.PER_DECADE]
    chart = photo_of(bot_harness.send(callback_query(decade, message=bot_message())))
    assert chart.text == "📊 2,435 movies in <b>French</b>, most in the 2010s (668)."


def test_a_chart_chosen_among_names_comes_as_a_new_photo(bot_harness: BotHarness) -> None:
    choice = bot_harness.send(private_message("/chart Warner"))[0]
    assert choice.text == "Several names match “Warner”. Which one?"
    data = choice.buttons[0][0][1]
    calls = bot_harness.send(callback_query(data, message=bot_message(choice.text)))
    assert [c.method for c in calls] == ["sendPhoto", "answerCallbackQuery"]
    missing = bot_harness.send(private_message("/chart zzzqxw"))[0]
    assert missing.text.startswith("No director, company or collection found for")


def test_no_chart_button_for_a_title_in_no_collection(bot_harness: BotHarness) -> None:
    assert bot_harness.send(private_message("/collection Amelie"))[0].buttons == []


def test_matplotlib_is_imported_by_the_first_chart_only() -> None:
    """The bot, and answers that could show a chart, import nothing of matplotlib: startup time
    and memory stay as they were until someone asks for a chart."""
    script = (
        "import sys\n"
        "import main\n"
        "from bot.chat.commands import SPECS\n"
        "from bot.movies.catalog import BoxOffice, DirectedMovie, Kind, MovieRef\n"
        "value = BoxOffice(Kind.DIRECTOR, 'A', (DirectedMovie(MovieRef(1, 'B', 2000), 1, 2),))\n"
        "shown = SPECS['chart'].show(value)\n"
        "assert 'matplotlib' not in sys.modules, 'imported before any chart'\n"
        "from bot.chat import charts\n"
        "assert charts.render(shown.chart).startswith(b'\\x89PNG')\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_chart_under_a_chart_is_edited_in_as_an_upload(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    """A button that edits (a namesake offered under a chart) puts the new chart in place of
    the old photo: editMessageMedia with the PNG attached."""
    pixar = catalog.chart("Pixar")
    assert isinstance(pixar, Found)
    data = buttons.encode("chart", pixar.ref, catalog.version, edit=True)
    under = bot_message("📊 an older chart", message_id=555, photo=True)
    calls = bot_harness.send(callback_query(data, message=under))
    assert [c.method for c in calls] == ["editMessageMedia", "answerCallbackQuery"]
    edited = calls[0]
    assert edited.params["message_id"] == 555 and edited.text is not None
    assert edited.upload is not None and png_size(edited.upload)[0] == 1280


@pytest.mark.parametrize(("text", "name"), [("gráfico de Pixar", "Pixar Animation Studios"),
                                            ("chart of the harry potter movies",
                                             "Harry Potter Collection")])
def test_a_chart_asked_in_words_is_the_charts_answer(bot_harness: BotHarness, text: str,
                                                     name: str) -> None:
    call = photo_of(bot_harness.send(private_message(text)))
    assert call.text is not None and call.text.startswith(f"📊 <b>{name}</b>: ")
    assert call.upload is not None and png_size(call.upload)[0] == 1280
