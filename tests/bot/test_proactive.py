"""Proactive sends through real HTTP to the local connector, in virtual time.

The sender, its rate limiter and the connector's throttle share one
:class:`VirtualClock`: waits for ``Retry-After``, backoff and Teams' windows
take no real time (only the timeout test waits, a fraction of a second).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web

from bot.hosting import LoopbackServiceUrls
from bot.proactive import (
    RetryPolicy,
    TeamsSender,
    TokenSource,
    build_sender,
    no_token,
    retry_after_seconds,
)
from okr.models import ConversationKind, ConversationRef
from scheduling.sender import PersonalTarget, SendOutcome
from scheduling.throttle import TeamsRateLimiter, Window
from settings import CLIENT_ID, CLIENT_SECRET, Settings
from settings import TENANT_ID as TENANT_ID_SETTING
from tests.connector import Call, Connector, VirtualClock
from tests.factories import BOT_ID, TENANT_ID

T0 = 1000.0
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Hi"}]}
FAKE_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJib3QifQ.c2lnbmF0dXJl"
# Real seconds one request may take: only a connector told to hang reaches it (the
# timeout tests set their own), even when a busy machine keeps thousands of requests
# queued for the connection pool, which aiohttp counts against the timeout.
REQUEST_TIMEOUT = 120.0


class Rig:
    """A sender, its limiter and the connector on one virtual clock."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        # Time moves only once every request and answer has landed (the loop is idle).
        self.clock = VirtualClock(T0)
        self.limiter = TeamsRateLimiter(clock=self.clock, sleep=self.clock.sleep, margin=0.0)
        self.arrivals: list[tuple[float, str]] = []
        connector.policies.append(self._stamp)
        self._senders: list[TeamsSender] = []

    def _stamp(self, call: Call) -> None:
        self.arrivals.append((self.clock.now - T0, call.route))

    def sender(
        self,
        *,
        retry: RetryPolicy | None = None,
        tokens: TokenSource = no_token,
        limiter: TeamsRateLimiter | None = None,
    ) -> TeamsSender:
        made = TeamsSender(
            limiter=limiter or self.limiter,
            service_urls=LoopbackServiceUrls(),
            tokens=tokens,
            retry=retry or RetryPolicy(request_timeout=REQUEST_TIMEOUT),
            clock=self.clock,
            sleep=self.clock.sleep,
            draw=lambda: 0.5,  # backoff = 3/4 of its ceiling
            utc_now=lambda: NOW,
        )
        self._senders.append(made)
        return made

    async def close(self) -> None:
        for sender in self._senders:
            await sender.close()


@pytest.fixture
async def rig(connector: Connector) -> AsyncIterator[Rig]:
    made = Rig(connector)
    yield made
    await made.close()


def chat(connector: Connector, person: str = "alice", tenant: str = TENANT_ID) -> ConversationRef:
    return ConversationRef(
        tenant_id=tenant,
        id=f"29:1-{person}",
        kind=ConversationKind.PERSONAL,
        conversation_id=f"a:personal-{person}",
        service_url=connector.url,
        bot_id=BOT_ID,
        member_id=f"29:1-{person}",
    )


async def test_a_card_goes_into_the_stored_conversation(rig: Rig, connector: Connector) -> None:
    result = await rig.sender().send_card(chat(connector), CARD, "Time for your check-in")

    assert result.outcome is SendOutcome.SENT
    assert (result.attempts, result.status, result.error) == (1, 200, "")
    assert result.conversation == chat(connector)
    [call] = connector.sent("a:personal-alice")
    assert result.activity_id and result.activity_id.startswith("act-")
    assert connector.cards("a:personal-alice") == [CARD]
    assert call.body["summary"] == "Time for your check-in"
    assert call.body["conversation"]["tenantId"] == TENANT_ID
    assert call.body["from"]["id"] == BOT_ID
    assert call.authorization is None  # local mode: no token


async def test_429_waits_retry_after_then_sends(rig: Rig, connector: Connector) -> None:
    connector.fail_next(1, 429, retry_after="3")

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.SENT, 2)
    assert rig.arrivals == [(0.0, "send_to_conversation"), (3.0, "send_to_conversation")]


async def test_429_with_an_http_date_waits_until_then(rig: Rig, connector: Connector) -> None:
    connector.fail_next(1, 429, retry_after=format_datetime(NOW + timedelta(seconds=5), True))

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert result.outcome is SendOutcome.SENT
    assert [at for at, _ in rig.arrivals] == [0.0, 5.0]


async def test_429_without_retry_after_backs_off_exponentially(
    rig: Rig, connector: Connector
) -> None:
    connector.fail_next(2, 429)

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.SENT, 3)
    # Ceilings 1 s then 2 s, each drawn at 3/4: 0.75 s then 1.5 s.
    assert [at for at, _ in rig.arrivals] == [0.0, 0.75, 2.25]


async def test_503_twice_then_sent(rig: Rig, connector: Connector) -> None:
    connector.fail_next(2, 503)

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts, result.status) == (SendOutcome.SENT, 3, 200)
    assert len(connector.sent()) == 3 and len(connector.delivered()) == 1


async def test_503_forever_fails_after_four_attempts(rig: Rig, connector: Connector) -> None:
    connector.fail_next(1000, 503)

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts, result.status) == (SendOutcome.FAILED, 4, 503)
    assert "gave up after 4 attempts" in result.error
    assert len(connector.sent()) == 4


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (403, SendOutcome.UNREACHABLE),  # blocked, uninstalled, bot disabled
        (404, SendOutcome.UNREACHABLE),
        (400, SendOutcome.FAILED),
        (401, SendOutcome.FAILED),
    ],
)
async def test_answers_that_are_never_retried(
    rig: Rig, connector: Connector, status: int, outcome: SendOutcome
) -> None:
    connector.fail_next(1, status)

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts, result.status) == (outcome, 1, status)
    assert result.error.startswith(f"HTTP {status}")
    assert len(connector.sent()) == 1


@pytest.mark.parametrize("status", [412, 500, 502, 504])
async def test_transient_answers_are_retried(rig: Rig, connector: Connector, status: int) -> None:
    connector.fail_next(1, status)

    result = await rig.sender().send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.SENT, 2)


async def test_a_timeout_is_retried(rig: Rig, connector: Connector) -> None:
    connector.hang_next(1)
    sender = rig.sender(retry=RetryPolicy(request_timeout=0.3))

    result = await sender.send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.SENT, 2)
    assert len(connector.sent()) == 2  # the first arrived, but no answer came in time


async def test_timeouts_forever_fail_with_status_0(rig: Rig, connector: Connector) -> None:
    connector.hang_next(10)
    sender = rig.sender(retry=RetryPolicy(request_timeout=0.2, max_attempts=2))

    result = await sender.send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts, result.status) == (SendOutcome.FAILED, 2, 0)
    assert "no answer within 0.2 s" in result.error


async def test_a_send_gives_up_at_its_time_limit(rig: Rig, connector: Connector) -> None:
    connector.fail_next(1, 429, retry_after="90")
    sender = rig.sender(retry=RetryPolicy(give_up_after=60.0))

    result = await sender.send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts, result.status) == (SendOutcome.FAILED, 1, 429)
    assert "60 s limit" in result.error
    assert rig.clock.now == T0  # did not wait for nothing


async def test_a_personal_chat_is_created_once_when_none_is_stored(
    rig: Rig, connector: Connector
) -> None:
    sender = rig.sender()
    target = PersonalTarget(
        tenant_id=TENANT_ID, member_id="29:1-binh", service_url=connector.url, bot_id=BOT_ID
    )

    first = await sender.send_card(target, CARD, "x")
    assert first.outcome is SendOutcome.SENT and first.conversation is not None
    again = await sender.send_card(first.conversation, CARD, "y")

    [created] = connector.calls_to("create_conversation")
    assert created.body["members"] == [{"id": "29:1-binh"}]
    assert created.body["tenantId"] == TENANT_ID
    assert created.body["bot"] == {"id": BOT_ID}
    assert created.body["isGroup"] is False
    new = first.conversation
    assert (new.kind, new.member_id, new.id, new.tenant_id) == (
        ConversationKind.PERSONAL,
        "29:1-binh",
        "29:1-binh",
        TENANT_ID,
    )
    assert new.service_url == connector.url and new.bot_id == BOT_ID
    assert len(connector.delivered(new.conversation_id)) == 2
    assert (first.attempts, again.attempts) == (2, 1)
    assert again.conversation == new


async def test_a_blocked_member_is_unreachable_before_any_chat_exists(
    rig: Rig, connector: Connector
) -> None:
    connector.fail_next(1, 403, route="create_conversation")
    target = PersonalTarget(
        tenant_id=TENANT_ID, member_id="29:1-binh", service_url=connector.url, bot_id=BOT_ID
    )

    result = await rig.sender().send_card(target, CARD, "x")

    assert (result.outcome, result.attempts, result.conversation) == (
        SendOutcome.UNREACHABLE,
        1,
        None,
    )
    assert connector.sent() == []


@pytest.mark.parametrize(
    "service_url",
    ["https://attacker.example.com/", "http://127.0.0.2.nip.io/", "file:///etc/passwd"],
)
async def test_a_foreign_service_url_is_refused_without_a_request(
    rig: Rig, connector: Connector, service_url: str
) -> None:
    stored = chat(connector)
    forged = ConversationRef(**{**_fields(stored), "service_url": service_url})

    result = await rig.sender().send_card(forged, CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.FAILED, 0)
    assert "not allowed" in result.error
    assert connector.calls == []


async def test_the_apps_token_is_sent_and_never_reported(rig: Rig, connector: Connector) -> None:
    def echo(call: Call) -> web.StreamResponse:
        # A service that echoes what it got in its error, token included.
        return web.json_response({"error": {"message": f"bad: {call.authorization}"}}, status=400)

    connector.policies.append(echo)

    async def tokens(service_url: str) -> str:
        return FAKE_TOKEN

    result = await rig.sender(tokens=tokens).send_card(chat(connector), CARD, "x")

    assert connector.calls[0].authorization == f"Bearer {FAKE_TOKEN}"
    assert result.outcome is SendOutcome.FAILED
    assert "bad:" in result.error
    assert FAKE_TOKEN not in result.error
    assert FAKE_TOKEN.partition(".")[0] not in result.error


async def test_a_token_failure_fails_the_send_without_a_request(
    rig: Rig, connector: Connector
) -> None:
    async def tokens(service_url: str) -> str:
        raise ValueError(f"Failed to acquire token {FAKE_TOKEN}")

    result = await rig.sender(tokens=tokens).send_card(chat(connector), CARD, "x")

    assert (result.outcome, result.attempts) == (SendOutcome.FAILED, 0)
    assert "could not get a token" in result.error and FAKE_TOKEN not in result.error
    assert connector.calls == []


async def test_a_burst_into_one_conversation_stays_within_its_windows(
    rig: Rig, connector: Connector
) -> None:
    throttle = connector.throttle(rig.clock)
    sender = rig.sender()

    results = await asyncio.gather(
        *(sender.send_card(chat(connector), CARD, f"card {n}") for n in range(100))
    )

    assert [r.outcome for r in results] == [SendOutcome.SENT] * 100
    assert throttle.violations == []
    assert throttle.counted == 100 and len(connector.delivered()) == 100
    assert sum(r.attempts for r in results) == 100  # never refused: no retries needed
    # 60 per 30 s: the last of 100 cards goes in the second 30 s stretch, not later.
    assert 30.0 <= rig.clock.now - T0 < 60.0


async def test_sixty_tenants_in_parallel_each_within_fifty_a_second(
    rig: Rig, connector: Connector
) -> None:
    throttle = connector.throttle(rig.clock)
    sender = rig.sender()
    tenants = [f"00000000-0000-0000-0000-{n:012d}" for n in range(60)]
    sends = [
        sender.send_card(chat(connector, f"p{n}-{t[-2:]}", t), CARD, "x")
        for t in tenants
        for n in range(75)
    ]

    results = await asyncio.gather(*sends)

    assert all(r.outcome is SendOutcome.SENT and r.attempts == 1 for r in results)
    assert throttle.violations == []
    assert throttle.counted == 60 * 75
    # Side by side: 75 per tenant at 50/s is one second of waiting, whatever the tenant count.
    assert rig.clock.now - T0 == 1.0


async def test_virtual_time_stands_still_while_a_request_is_on_its_way(
    rig: Rig, connector: Connector
) -> None:
    async def slow(call: Call) -> None:
        # The connector takes many turns of the event loop to answer, as on a busy machine.
        for _ in range(200):
            await asyncio.sleep(0)

    connector.policies.append(slow)
    other = asyncio.create_task(rig.clock.sleep(5.0))  # meanwhile, something waits 5 s

    result = await rig.sender().send_card(chat(connector), CARD, "x")
    answered_at = rig.clock.now - T0
    await other

    assert result.outcome is SendOutcome.SENT
    assert (answered_at, rig.clock.now - T0) == (0.0, 5.0)


async def test_the_connector_throttles_a_sender_that_ignores_the_limits(
    rig: Rig, connector: Connector
) -> None:
    throttle = connector.throttle(rig.clock)
    careless = TeamsRateLimiter(
        clock=rig.clock,
        sleep=rig.clock.sleep,
        tenant_windows=(Window(1000, 1.0),),
        conversation_windows=(Window(1000, 1.0),),
        margin=0.0,
    )
    sender = rig.sender(limiter=careless)

    sends = [sender.send_card(chat(connector), CARD, "x") for _ in range(9)]
    results = await asyncio.gather(*sends)

    # 7/1 s refuses two with 429 and Retry-After; the sender waits and gets them through.
    assert [r.outcome for r in results] == [SendOutcome.SENT] * 9
    assert len(throttle.violations) >= 2
    assert sum(r.attempts for r in results) > 9


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        (" 120 ", 120.0),
        ("Mon, 02 Mar 2026 08:00:30 GMT", 30.0),
        ("Mon, 02 Mar 2026 07:59:00 GMT", 0.0),  # in the past: now
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
    ],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def test_backoff_doubles_up_to_its_cap_with_half_jitter() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=8.0)
    draws: list[Callable[[], float]] = [lambda: 0.0, lambda: 0.999]
    low, high = ([policy.backoff(n, draw()) for n in range(1, 7)] for draw in draws)

    assert low == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert all(a < b < 2 * a for a, b in zip(low, high, strict=True))


def _fields(ref: ConversationRef) -> dict[str, Any]:
    return {name: getattr(ref, name) for name in ref.__dataclass_fields__}


async def test_the_app_builds_a_tokenless_sender_in_local_mode(
    make_settings: Callable[..., Settings], connector: Connector
) -> None:
    async with build_sender(make_settings(), TeamsRateLimiter()) as sender:
        result = await sender.send_card(chat(connector), CARD, "x")

    assert result.outcome is SendOutcome.SENT
    assert connector.calls[0].authorization is None


async def test_with_credentials_only_teams_hosts_are_sent_to(
    make_settings: Callable[..., Settings], connector: Connector
) -> None:
    settings = make_settings(
        **{CLIENT_ID: "11111111-2222-3333-4444-555555555555", CLIENT_SECRET: "not-a-real-secret"},
        **{TENANT_ID_SETTING: TENANT_ID},
        STORAGE="sqlite",
    )
    async with build_sender(settings, TeamsRateLimiter()) as sender:
        result = await sender.send_card(chat(connector), CARD, "x")  # 127.0.0.1: refused

    assert (result.outcome, result.attempts) == (SendOutcome.FAILED, 0)
    assert connector.calls == []  # no token was asked for either: that would go online
