"""The signing-key cache on its own: when it fetches, and what it answers meanwhile.

The fetch is a function the test controls and the clock is the test's, so
every answer here follows from the order of events, not from timing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.signing_keys import (
    SigningKeys,
    SigningKeysUnavailable,
    UnknownSigningKey,
    parse_key_set,
)
from tests.bot.bot_service import BOT_KEY, ENTRA_KEY
from tests.conftest import Clock

URL = "https://keys.example/keys"


class FakeKeyEndpoint:
    """Answers with ``document`` (or raises ``error``); ``gate`` holds answers while cleared."""

    def __init__(self, *keys: Any) -> None:
        self.document: Any = {"keys": [key.jwk() for key in keys]}
        self.error: Exception | None = None
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, url: str) -> Any:
        assert url == URL
        self.calls += 1
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return self.document


async def _settle() -> None:
    """Let background tasks run to their next wait (a few loop turns, no wall clock)."""
    for _ in range(10):
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))


async def test_a_cached_key_is_answered_without_a_fetch(clock: Clock) -> None:
    endpoint = FakeKeyEndpoint(BOT_KEY)
    keys = SigningKeys(URL, endpoint, clock)

    first = await keys.get(BOT_KEY.kid)
    again = await keys.get(BOT_KEY.kid)

    assert first is again
    assert first.endorsements == frozenset({"msteams", "skype", "webchat"})
    assert endpoint.calls == 1


async def test_a_day_old_key_set_is_refreshed_behind_the_request_and_drops_withdrawn_keys(
    clock: Clock,
) -> None:
    endpoint = FakeKeyEndpoint(BOT_KEY)
    keys = SigningKeys(URL, endpoint, clock)
    await keys.get(BOT_KEY.kid)
    endpoint.document = {"keys": [ENTRA_KEY.jwk()]}  # rotated: BOT_KEY withdrawn
    endpoint.gate.clear()
    clock.now += timedelta(days=1, seconds=1)

    stale = await keys.get(BOT_KEY.kid)  # does not wait for the refresh it starts
    await _settle()

    assert stale.key is not None and endpoint.calls == 2  # the refresh is held at the gate
    assert (await keys.get(BOT_KEY.kid)) is stale  # still served meanwhile
    endpoint.gate.set()
    await _settle()
    assert (await keys.get(ENTRA_KEY.kid)).endorsements is None
    with pytest.raises(UnknownSigningKey):
        await keys.get(BOT_KEY.kid)
    assert endpoint.calls == 2


async def test_a_failing_endpoint_is_retried_once_a_minute_by_one_request(clock: Clock) -> None:
    endpoint = FakeKeyEndpoint(BOT_KEY)
    endpoint.error = OSError("unreachable")
    keys = SigningKeys(URL, endpoint, clock)

    with pytest.raises(SigningKeysUnavailable):
        await keys.get(BOT_KEY.kid)
    with pytest.raises(SigningKeysUnavailable):
        await keys.get(BOT_KEY.kid)
    assert endpoint.calls == 1

    clock.now += timedelta(minutes=1)
    endpoint.gate.clear()
    retry = asyncio.create_task(keys.get(BOT_KEY.kid))
    await _settle()
    with pytest.raises(SigningKeysUnavailable):  # others do not queue behind the retry
        await keys.get("another")
    endpoint.error = None
    endpoint.gate.set()

    assert (await retry).key is not None
    assert endpoint.calls == 2


async def test_a_clock_that_goes_back_does_not_block_refreshes(clock: Clock) -> None:
    endpoint = FakeKeyEndpoint(BOT_KEY)
    keys = SigningKeys(URL, endpoint, clock)
    await keys.get(BOT_KEY.kid)

    clock.now -= timedelta(hours=1)
    with pytest.raises(UnknownSigningKey):
        await keys.get("new-key")

    assert endpoint.calls == 2


async def test_a_waiting_request_that_gives_up_does_not_cancel_the_shared_refresh(
    clock: Clock,
) -> None:
    endpoint = FakeKeyEndpoint(BOT_KEY)
    endpoint.gate.clear()
    keys = SigningKeys(URL, endpoint, clock)
    impatient = asyncio.create_task(keys.get(BOT_KEY.kid))
    await _settle()

    impatient.cancel()
    endpoint.gate.set()
    await _settle()

    assert (await keys.get(BOT_KEY.kid)).key is not None
    assert endpoint.calls == 1


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        {"keys": "x"},
        {"keys": []},
        {"keys": [{"kty": "EC", "kid": "e"}, {"kty": "RSA"}, {"kty": "RSA", "kid": "k", "n": "!"}]},
        {"keys": [{**BOT_KEY.jwk(), "use": "enc"}]},
    ],
    ids=["null", "array", "keys not a list", "no keys", "no usable key", "encryption key"],
)
def test_documents_without_a_usable_signing_key_are_refused(document: Any) -> None:
    with pytest.raises(ValueError):
        parse_key_set(document)


def test_unusable_entries_are_skipped_beside_usable_ones() -> None:
    keys = parse_key_set({"keys": [{"kty": "RSA", "kid": 5}, "junk", BOT_KEY.jwk()]})

    assert set(keys) == {BOT_KEY.kid}
