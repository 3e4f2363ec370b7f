"""The posting policy, in one place: what the daily job, the retry job and the restore at start
do about a chat now (:func:`plan`: send which day's post, retry it when, or skip it), what a
failed send becomes (:func:`after_failure`), and when the chat's next post will really go out
(:func:`next_post`, which is what ``/daily`` promises).

Pure functions over the store's records, no Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from bot.daily.store import Post, PostState, Subscription
from bot.daily.trigger import day_end, next_run, previous_run

CATCH_UP = timedelta(hours=1)
"""A post missed while the bot was down is sent at start if its time passed less than this ago."""

MIN_GAP = timedelta(hours=20)
"""The least time between the post times of two posts in one chat. Changing the time or the zone
of a subscription never brings a second post within this (09:00 in Tokyo, then 16:45 in Los
Angeles, is 45 minutes later); the post it holds back is the next day's."""

RETRY_DELAYS = (30, 120, 600, 1800, 3600)
"""Seconds before each retry after a request that never reached Telegram; the last repeats."""

MAX_ATTEMPTS = 12

FLOOD_MARGIN = timedelta(seconds=1)
"""Added to Telegram's ``retry_after`` before sending again."""


# -- the posting policy ----------------------------------------------------------------------------


class Failure(StrEnum):
    """How a send failed, as far as the post is concerned."""

    GONE = "chat gone"
    """Blocked, removed, deleted: the chat is unsubscribed."""
    REFUSED = "refused"
    """Telegram answered with an error (a 4xx): it did nothing, and would refuse again."""
    FLOOD = "flood limit"
    """429 ``retry_after``: not sent; send again after the wait."""
    NOT_SENT = "not sent"
    """The connection failed before the request was out: safe to send again."""
    MAYBE_DELIVERED = "outcome unknown"
    """Every 5xx, a timeout or a connection lost while waiting for the answer: Telegram may
    have posted it, so it is never sent again (a missing post is better than a double one)."""


class Skipped(StrEnum):
    """Why a post time passes without a post."""

    TOO_SOON = "too soon after the previous post"
    LATE = "missed while the bot was down"
    DAY_OVER = "its day ended before a retry got through"


@dataclass(frozen=True, slots=True)
class Send:
    """Send the post of ``day`` now; ``run`` is when it was due."""

    day: date
    run: datetime


@dataclass(frozen=True, slots=True)
class Retry:
    """The post of ``day`` is pending: send it again at ``at``."""

    day: date
    at: datetime


@dataclass(frozen=True, slots=True)
class Skip:
    """No post for ``day``, because of ``why``; a pending one is then given up."""

    day: date
    why: Skipped


Decision = Send | Retry | Skip | None


def horizon(now: datetime) -> date:
    """The oldest day whose post can matter to :func:`plan` or :func:`next_post` at ``now``."""
    return now.astimezone(UTC).date() - timedelta(days=3)


def plan(now: datetime, sub: Subscription, posts: Sequence[Post]) -> Decision:
    """What to do at ``now`` about the chat's latest post time; None when nothing is to be done
    (its post went out, is in flight or was given up, or it came before the subscription).

    ``posts`` are the chat's posts since :func:`horizon`. A pending post is sent again at its
    ``retry_at`` until its local day ends. A new post is sent if the subscription existed at its
    time (``sub.since``), it comes :data:`MIN_GAP` after the previous post, and its time passed
    less than :data:`CATCH_UP` ago (a post missed while the bot was down).
    """
    now = now.astimezone(UTC)
    zone = sub.tz
    run = previous_run(now, sub.at, zone)
    day = run.date()
    post = _of_day(posts, day)
    if post is not None:
        if post.state is not PostState.PENDING:
            return None
        if now >= day_end(day, zone):
            return Skip(day, Skipped.DAY_OVER)
        if post.retry_at is not None and post.retry_at > now:
            return Retry(day, post.retry_at)
        return Send(day, post.run_at or run.astimezone(UTC))
    if sub.since is not None and sub.since > run:
        return None
    if _too_soon(run, posts):
        return Skip(day, Skipped.TOO_SOON)
    if now - run >= CATCH_UP:
        return Skip(day, Skipped.LATE)
    return Send(day, run.astimezone(UTC))


def next_post(now: datetime, sub: Subscription, posts: Sequence[Post]) -> datetime:
    """When the chat's next post will go out, local to its zone: a pending retry, now if one is
    due, else the first post time :func:`plan` will send (no post yet that day, and
    :data:`MIN_GAP` after the previous one)."""
    zone = sub.tz
    decision = plan(now, sub, posts)
    if isinstance(decision, Retry):
        return decision.at.astimezone(zone)
    if isinstance(decision, Send):
        return now.astimezone(zone)
    run = now
    for _ in range(3):  # post times are 23 to 25 hours apart, more than MIN_GAP
        run = next_run(run, sub.at, zone)
        if _of_day(posts, run.date()) is None and not _too_soon(run, posts):
            return run
    raise AssertionError("unreachable: MIN_GAP is shorter than a day")


def after_failure(
    now: datetime, sub: Subscription, post: Post, failure: Failure,
    wait: timedelta = timedelta(0),
) -> PostState | Retry:
    """What ``post`` (its attempt just failed) becomes: a :class:`Retry` for a request that
    never reached Telegram (``NOT_SENT``, after :data:`RETRY_DELAYS`) or that Telegram asked to
    wait for (``FLOOD``, after ``wait``) while the local day lasts and attempts remain;
    ``sending`` (never sent again) if it may have been delivered; else ``failed``."""
    if failure is Failure.MAYBE_DELIVERED:
        return PostState.SENDING
    if failure is Failure.FLOOD:
        delay = wait + FLOOD_MARGIN
    elif failure is Failure.NOT_SENT:
        delay = timedelta(seconds=RETRY_DELAYS[min(post.attempts, len(RETRY_DELAYS)) - 1])
    else:
        return PostState.FAILED
    at = now.astimezone(UTC) + delay
    if post.attempts >= MAX_ATTEMPTS or at >= day_end(post.day, sub.tz):
        return PostState.FAILED
    return Retry(post.day, at)


def _of_day(posts: Sequence[Post], day: date) -> Post | None:
    return next((p for p in posts if p.day == day), None)


def _too_soon(run: datetime, posts: Sequence[Post]) -> bool:
    """Whether a post that may have reached the chat was due less than MIN_GAP before ``run``
    (or after it: the post times of an old zone)."""
    return any(
        p.run_at is not None and run - p.run_at < MIN_GAP
        for p in posts
        if p.state in (PostState.SENT, PostState.SENDING)
    )
