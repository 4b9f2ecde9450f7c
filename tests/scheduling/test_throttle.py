"""Teams' rate limits kept by TeamsRateLimiter, in virtual time (nothing sleeps for real)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.throttle import (
    CONVERSATION_WINDOWS,
    TENANT_WINDOWS,
    TeamsRateLimiter,
    Window,
)
from tests.connector import VirtualClock

T0 = 1000.0


def limiter_on(clock: VirtualClock, margin: float = 0.0) -> TeamsRateLimiter:
    return TeamsRateLimiter(clock=clock, sleep=clock.sleep, margin=margin)


def assert_within(times: list[float], windows: tuple[Window, ...]) -> None:
    """No ``seconds``-long stretch holds more than ``limit`` of ``times`` (brute force)."""
    ordered = sorted(times)
    for window in windows:
        for i, start in enumerate(ordered):
            inside = [t for t in ordered[i:] if t < start + window.seconds]
            assert len(inside) <= window.limit, (window, start, inside)


def earliest(granted: list[float], at: float, windows: tuple[Window, ...]) -> float:
    """Reference: the first instant >= ``at`` where one more request keeps every window."""
    candidates = sorted({at, *(t + w.seconds for t in granted for w in windows)})
    for candidate in candidates:
        if candidate < at:
            continue
        trial = [*granted, candidate]
        if all(
            sum(1 for t in trial if candidate - w.seconds < t <= candidate) <= w.limit
            for w in windows
        ):
            return candidate
    raise AssertionError("no instant found")


async def test_one_conversation_waits_exactly_as_the_windows_demand() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    granted = []
    for _ in range(10):
        await limiter.acquire("t", "c")
        granted.append(clock() - T0)

    # 7 at once; the 8th when the first second is over (7/1 s); the 9th when two
    # seconds are (8/2 s), then the next burst fits 7/1 s and 8/2 s together.
    assert granted[:9] == [0.0] * 7 + [1.0, 2.0]
    assert granted == [earliest(granted[:i], 0.0, CONVERSATION_WINDOWS) for i in range(10)]


async def test_a_long_burst_into_one_conversation_keeps_all_three_windows() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    granted: list[float] = []

    async def one() -> None:
        await limiter.acquire("t", "c")
        granted.append(clock())

    await asyncio.gather(*(one() for _ in range(150)))

    assert_within(granted, CONVERSATION_WINDOWS)
    # First come, first served, each as early as the windows allow: 60 per 30 s
    # makes the last of 150 go in the third 30 s stretch.
    offsets = [t - T0 for t in granted]
    assert offsets == [earliest(offsets[:i], 0.0, CONVERSATION_WINDOWS) for i in range(150)]
    assert 60.0 <= offsets[-1] < 90.0


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(
        st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.3, 1.0, 2.5, 31.0]), min_size=1, max_size=90
    ),
)
def test_each_request_goes_at_the_earliest_instant_the_windows_allow(gaps: list[float]) -> None:
    async def run() -> None:
        clock = VirtualClock(T0)
        limiter = limiter_on(clock)
        granted: list[float] = []
        for gap in gaps:
            await clock.sleep(gap)
            arrived = clock()
            await limiter.acquire("t", "c")
            assert clock() == earliest(granted, arrived, CONVERSATION_WINDOWS)
            granted.append(clock())
        assert_within(granted, CONVERSATION_WINDOWS)

    asyncio.run(run())


async def test_sixty_tenants_in_parallel_each_within_fifty_a_second() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    granted: dict[str, list[float]] = {f"tenant-{n}": [] for n in range(60)}

    async def send(tenant: str, person: int) -> None:
        await limiter.acquire(tenant, f"{tenant}/chat-{person}")
        granted[tenant].append(clock())

    await asyncio.gather(*(send(t, p) for t in granted for p in range(120)))

    for times in granted.values():
        assert len(times) == 120
        assert_within(times, TENANT_WINDOWS)
    # Tenants wait side by side, not one after another: 120 at 50/s is 2 s for each.
    assert max(max(times) for times in granted.values()) - T0 <= 2.0 + 1e-9


async def test_a_conversation_counts_against_its_tenant() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    for n in range(45):
        await limiter.acquire("t", f"chat-{n}")
    for _ in range(7):
        await limiter.acquire("t", "busy")  # 52 in the tenant: the last 2 wait a second

    assert clock() - T0 == 1.0


async def test_creating_a_conversation_counts_only_against_the_tenant() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    for _ in range(50):
        await limiter.acquire("t")
    assert clock() == T0
    await limiter.acquire("t")
    assert clock() - T0 == 1.0


async def test_the_margin_holds_each_window_longer() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock, margin=0.05)
    for _ in range(8):
        await limiter.acquire("t", "c")

    assert clock() - T0 == pytest.approx(1.05)


async def test_thousands_waiting_on_one_tenant_sleep_about_once_each() -> None:
    clock = VirtualClock(T0)
    sleeps = 0

    async def counted_sleep(seconds: float) -> None:
        nonlocal sleeps
        sleeps += 1
        await clock.sleep(seconds)

    limiter = TeamsRateLimiter(clock=clock, sleep=counted_sleep, margin=0.0)
    await asyncio.gather(*(limiter.acquire("t", f"chat-{n}") for n in range(2000)))

    assert limiter.granted == 2000
    assert clock() - T0 == 39.0  # 2000 at 50/s: the last batch starts after 39 s
    assert sleeps <= 2000  # only the head of the queue sleeps: no thundering herd


async def test_histories_of_finished_conversations_are_dropped() -> None:
    clock = VirtualClock(T0)
    limiter = limiter_on(clock)
    for n in range(3000):
        await limiter.acquire(f"t{n % 2}", f"chat-{n}")
    await clock.sleep(31.0)
    for n in range(3000, 5100):
        await limiter.acquire(f"t{n % 2}", f"chat-{n}")

    # The first 3000 conversations are over 30 s old: swept, not kept forever.
    assert limiter.tracked < 3000
