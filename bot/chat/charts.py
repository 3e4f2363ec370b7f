"""Charts of answers, drawn as PNG: box office per movie, and movies per decade.

Pure (data in, PNG bytes out), no Telegram. matplotlib is imported by the first drawing, not
with this module, so the bot starts as fast and as small as without charts. Drawing uses the
Agg canvas (no display, no pyplot state), one chart at a time under a lock; PNGs are kept in a
bounded LRU cache keyed by the chart's data, so pressing the same button twice draws once.
:func:`png_async` draws in a worker thread, leaving the event loop to other users.

Sizes are for Telegram, which shows photos about 1,280 px wide: the image is 1,280 px wide
(8 in at 160 dpi) and grows in height with the number of movies.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from bot.chat.formatting import money, n_movies, times, truncate
from bot.chat.i18n import EN, Translator, translator
from bot.movies.results import BoxOffice, Decades, Kind, return_on

MAX_BARS = 30
"""Movies in one chart: a larger set shows its top earners (said in the title)."""
LABEL_CHARS = 32
NAME_CHARS = 42
PALETTE = 64
"""Colours in the PNG."""
CACHE_SIZE = 32
"""PNGs kept (about 60 to 150 KB each)."""

DPI = 160
WIDTH_IN = 8.0
LABELS_IN = (1.2, 3.4)
"""Room left of the bars for the movie labels: as wide as the widest, within these bounds."""
ROW_IN = 0.38
HEADER_IN = 1.7
TICKS_IN = 0.3
"""Room for the money ticks repeated above the bars of a tall chart."""
FOOTER_IN = 0.5
LABEL_PT = 11.5

INK = "#1f2328"
MUTED = "#656d76"
GRID = "#d8dee4"
BUDGET = "#a8b8c8"
REVENUE = "#1f6feb"
GAIN = "#1a7f37"
LOSS = "#cf222e"
DECADE = "#8250df"

_UNDRAWABLE_RUN = "?"
_JOINING_WORDS = frozenset({"a", "an", "and", "of", "the", "in", "on", "to", "with", "&"})


@dataclass(frozen=True, slots=True)
class MoneyBar:
    """One movie: its label and what is known of its money."""

    label: str
    budget: int | None
    revenue: int | None

    @property
    def ret(self) -> float | None:
        return return_on(self.budget, self.revenue)


@dataclass(frozen=True, slots=True)
class MoneyChart:
    """Budget and revenue bars side by side, one pair per movie, top to bottom."""

    title: str
    subtitle: str
    note: str
    bars: tuple[MoneyBar, ...]
    language: str = EN.code
    """The language of its texts and numbers (:mod:`bot.chat.i18n`)."""


@dataclass(frozen=True, slots=True)
class CountChart:
    """One column per label (a decade), its count above it."""

    title: str
    subtitle: str
    bars: tuple[tuple[str, int], ...]
    language: str = EN.code


Chart = MoneyChart | CountChart


def box_office(value: BoxOffice, t: Translator = EN) -> MoneyChart:
    """The chart of a director's, company's or collection's movies, in release order.

    More than :data:`MAX_BARS` movies: the top earners (then the biggest budgets), still in
    release order.
    """
    movies = list(value.movies)
    shown = movies
    if len(movies) > MAX_BARS:
        ranked = sorted(range(len(movies)),
                        key=lambda i: (-(movies[i].revenue or 0), -(movies[i].budget or 0)))
        shown = [movies[i] for i in sorted(ranked[:MAX_BARS])]
    bars = tuple(
        MoneyBar(_label(m.movie.title, m.movie.year), m.budget, m.revenue) for m in shown
    )
    parts = [n_movies(len(movies), t),
             t._("revenue {money}").format(money=money(value.total_revenue or None, t))]
    if 0 < value.known_revenue < len(movies):
        parts[-1] += t._(" ({n} known)").format(n=t.number(value.known_revenue))
    if value.overall_return is not None:
        parts.append(t._("return {ratio}").format(ratio=times(value.overall_return, t)))
    if len(movies) > MAX_BARS:
        note = t._("Top {top} of {n} by revenue, in release order").format(
            top=MAX_BARS, n=t.number(len(movies)))
    elif value.kind is Kind.COLLECTION:
        note = t._("The series in release order")
    else:
        note = t._("In release order")
    return MoneyChart(truncate(value.name, NAME_CHARS), " · ".join(parts), note, bars, t.code)


def decades(value: Decades, t: Translator = EN) -> CountChart:
    """The chart of a country's or language's movies per decade."""
    subtitle = n_movies(value.total, t)
    if value.undated:
        subtitle += t._("; {n} without a date not shown").format(n=t.number(value.undated))
    if value.kind is Kind.COUNTRY:
        title = t._("Movies from {name}, per decade").format(
            name=truncate(t.country_name(value.name), NAME_CHARS))
    else:
        title = t._("Movies in {name}, per decade").format(
            name=truncate(t.language_named(value.name), NAME_CHARS))
    return CountChart(title, subtitle,
                      tuple((t._("{decade}s").format(decade=decade), n)
                            for decade, n in value.counts),
                      t.code)


def _label(title: str, year: int | None) -> str:
    short = shorten(title, LABEL_CHARS)
    return f"{short} ({year})" if year else short


def shorten(title: str, limit: int) -> str:
    """``title`` in at most ``limit`` characters, its start and end kept around an ellipsis
    (``Indiana Jones…Temple of Doom``): in a series, the end is what tells movies apart."""
    if len(title) <= limit:
        return title
    words = title.split()
    head: list[str] = []
    while words and len(" ".join([*head, words[0]])) <= limit // 2:
        head.append(words.pop(0))
    while head and head[-1].lower() in _JOINING_WORDS:
        head.pop()
    tail: list[str] = []
    room = limit - len(" ".join(head)) - 1
    while words and len(" ".join([words[-1], *tail])) <= room:
        tail.insert(0, words.pop())
    while tail and tail[0].lower() in _JOINING_WORDS:
        tail.pop(0)
    if not head or not tail:
        return truncate(title, limit)
    return " ".join(head).rstrip(":;,-\u2013") + "…" + " ".join(tail)


# -- the PNG cache ---------------------------------------------------------------------------


class PngCache:
    """Charts drawn once: a bounded LRU of PNG bytes, safe to use from several threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.renders = 0
        self._pngs: OrderedDict[Chart, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._drawing = threading.Lock()

    def cached(self, chart: Chart) -> bytes | None:
        with self._lock:
            png = self._pngs.get(chart)
            if png is not None:
                self._pngs.move_to_end(chart)
            return png

    def png(self, chart: Chart) -> bytes:
        """The chart's PNG, drawn now unless cached. Blocks: call it off the event loop."""
        with self._drawing:
            png = self.cached(chart)
            if png is None:
                png = render(chart)
                _give_back_memory()
                self.renders += 1
                with self._lock:
                    self._pngs[chart] = png
                    while len(self._pngs) > self.size:
                        self._pngs.popitem(last=False)
            return png

    async def png_async(self, chart: Chart) -> bytes:
        """The chart's PNG, drawn in a worker thread when not cached."""
        png = self.cached(chart)
        return png if png is not None else await asyncio.to_thread(self.png, chart)

    def clear(self) -> None:
        with self._lock:
            self._pngs.clear()


CACHE = PngCache()
"""The process's charts."""


async def png_async(chart: Chart) -> bytes:
    return await CACHE.png_async(chart)


def _give_back_memory() -> None:
    """Free the drawing now and return its memory to the system.

    A figure is a web of reference cycles holding a 10 MB pixel buffer: left to the collector,
    a few dozen piled up (RSS swung 50 to 130 MB above the bot's). A young-generation
    collection (about 4 ms) frees it; then glibc, which keeps freed blocks of this size for
    reuse, is asked to trim. With both, RSS stays about 40 MB above the bot's however many
    charts are drawn.
    """
    gc.collect(1)
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


# -- drawing ---------------------------------------------------------------------------------


def render(chart: Chart) -> bytes:
    """Draw ``chart`` as PNG bytes (1,280 px wide); imports matplotlib on first use."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    # Hinting is for small screens' pixels; at 160 dpi text looks the same without it, and
    # rendering the glyphs (most of the drawing) takes a third less time.
    style = {"text.parse_math": False, "text.hinting": "no_hinting", "font.family": "DejaVu Sans",
             "text.color": INK, "axes.edgecolor": GRID, "xtick.color": MUTED,
             "ytick.color": MUTED}
    with matplotlib.rc_context(cast(Any, style)):  # its stubs take only literal key types
        figure = _money(chart) if isinstance(chart, MoneyChart) else _counts(chart)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib leaves Agg untyped
        size = canvas.get_width_height()
        rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
        pixels = Image.frombuffer("RGBA", size, rgba).convert("RGB")
    buffer = io.BytesIO()
    # A few flat colours and anti-aliased text: 64 colours look the same, and the file is a
    # third of the size and encodes in half the time.
    pixels.quantize(PALETTE, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG")
    return buffer.getvalue()


def _figure(height_in: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")


def _header(figure: Any, height_in: float, title: str, lines: list[tuple[str, str]]) -> None:
    """Title and lines of (text, style) at the top left, placed in inches from the top."""
    x = 0.22 / WIDTH_IN
    figure.text(x, 1 - 0.42 / height_in, _drawable(title), fontsize=17, fontweight="bold")
    for i, (text, style) in enumerate(lines):
        figure.text(x, 1 - (0.74 + 0.29 * i) / height_in, _drawable(text), fontsize=11.5,
                    color=MUTED, fontstyle=style)


def _money(chart: MoneyChart) -> Any:
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    t = translator(chart.language)
    n = len(chart.bars)
    rows_in = max(n, 1) * ROW_IN
    tall = n > 12
    header = HEADER_IN + (TICKS_IN if tall else 0)
    height = header + rows_in + FOOTER_IN
    figure = _figure(height)
    labels = [_drawable(bar.label) for bar in chart.bars]
    widest = max(map(_width_in, labels), default=0) + 0.3
    left = min(max(widest, LABELS_IN[0]), LABELS_IN[1]) / WIDTH_IN
    _header(figure, height, chart.title, [(chart.subtitle, "normal"), (chart.note, "italic")])
    figure.legend(
        handles=[Patch(color=BUDGET, label=t._("Budget")),
                 Patch(color=REVENUE, label=t._("Revenue")),
                 Patch(color="none", label=t._("{ratio} = revenue ÷ budget").format(
                     ratio=times(2.5, t)))],
        loc="center left", bbox_to_anchor=(0.12 / WIDTH_IN, 1 - 1.4 / height), ncols=3,
        frameon=False, fontsize=10.5, handlelength=1.0, handletextpad=0.4, columnspacing=1.2,
    )
    axes = figure.add_axes((left, FOOTER_IN / height, 1 - left - 0.3 / WIDTH_IN,
                            rows_in / height))
    known = [v for bar in chart.bars for v in (bar.budget, bar.revenue) if v]
    top = max(known, default=1)
    rows = range(n)
    # One collection per colour: 60 separate rectangles cost a draw call each.
    for offset, color, values in ((-0.2, BUDGET, [bar.budget for bar in chart.bars]),
                                  (0.2, REVENUE, [bar.revenue for bar in chart.bars])):
        boxes = [[(0, y + offset - 0.19), (v, y + offset - 0.19), (v, y + offset + 0.19),
                  (0, y + offset + 0.19)] for y, v in zip(rows, values, strict=True) if v]
        axes.add_collection(PolyCollection(boxes, facecolors=color, edgecolors="none"),
                            autolim=False)
    pad = top * 0.015
    for y, bar in enumerate(chart.bars):
        end = max(bar.budget or 0, bar.revenue or 0)
        if bar.ret is not None:
            axes.text(end + pad, y, times(bar.ret, t), va="center", fontsize=11,
                      fontweight="bold", color=GAIN if bar.ret >= 1 else LOSS, clip_on=False)
        else:
            axes.text(end + pad, y, _unknown(bar, t), va="center", fontsize=10.5, color=MUTED,
                      fontstyle="italic", clip_on=False)
    axes.set_ylim(max(n, 1) - 0.5, -0.5)
    axes.set_xlim(0, top * 1.22)
    axes.set_yticks([])
    # Plain texts rather than tick labels: a tick is two lines and two texts, measured twice.
    for y, label in enumerate(labels):
        axes.text(-0.012, y, label, transform=axes.get_yaxis_transform(), ha="right",
                  va="center", fontsize=LABEL_PT, clip_on=False)
    axes.xaxis.set_major_locator(MaxNLocator(5))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, t) if v else "0"))
    axes.tick_params(axis="x", labelsize=10.5, length=0, labeltop=tall)
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    if not known:
        axes.set_xticks([])
    return figure


def _unknown(bar: MoneyBar, t: Translator = EN) -> str:
    if bar.budget is None and bar.revenue is None:
        return t._("budget and revenue unknown")
    return t._("budget unknown") if bar.budget is None else t._("revenue unknown")


def _counts(chart: CountChart) -> Any:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    t = translator(chart.language)
    height = 5.0
    figure = _figure(height)
    _header(figure, height, chart.title, [(chart.subtitle, "normal")])
    axes = figure.add_axes((0.85 / WIDTH_IN, 0.55 / height, 1 - 1.1 / WIDTH_IN,
                            1 - 1.75 / height))
    labels = [label for label, _ in chart.bars]
    values = [n for _, n in chart.bars]
    axes.bar(range(len(values)), values, width=0.7, color=DECADE)
    small = len(values) > 14
    for x, n in enumerate(values):
        if n:
            axes.text(x, n, t.number(n), ha="center", va="bottom", fontsize=9 if small else 11)
    axes.set_xticks(range(len(values)), labels, fontsize=9 if small else 11)
    axes.set_xlim(-0.6, max(len(values), 1) - 0.4)
    axes.set_ylim(0, max(values, default=1) * 1.12 or 1)
    axes.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
    axes.tick_params(axis="y", labelsize=10.5, length=0)
    axes.tick_params(axis="x", length=0)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


_charmap: frozenset[int] | None = None
_advances: dict[str, float] = {}
"""Width of each character of the labels' font, in inches."""


def _width_in(text: str) -> float:
    """About how wide ``text`` is drawn in the labels' font (advances summed, no kerning):
    exact layout of every label would cost as much as drawing it."""
    missing = set(text) - _advances.keys()
    if missing:
        from matplotlib import font_manager

        font = font_manager.get_font(font_manager.findfont("DejaVu Sans"))
        font.set_size(LABEL_PT, DPI)
        for char in missing:
            glyph = font.load_char(ord(char))
            _advances[char] = glyph.linearHoriAdvance / 65536 / DPI
    return sum(_advances[char] for char in text)


def _drawable(text: str) -> str:
    """``text`` with each run of characters the font lacks (CJK...) as one ``?``: matplotlib
    would draw empty boxes and log a warning for each."""
    global _charmap
    if _charmap is None:
        from matplotlib import font_manager, ft2font

        path = font_manager.findfont("DejaVu Sans")
        _charmap = frozenset(ft2font.FT2Font(path).get_charmap())
    marked = "".join(c if ord(c) in _charmap or c.isspace() else "\0" for c in text)
    return re.sub("\0+", _UNDRAWABLE_RUN, marked)
