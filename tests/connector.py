"""A local stand-in for the Teams connector service (the bot's ``serviceUrl``).

An aiohttp server on 127.0.0.1 implementing the ``/v3/...`` routes the bot
calls. It records everything the bot sends, serves team rosters and channel
lists the test sets up, and fails on demand.

Failures and (later) throttling are *policies*: callables consulted, in order,
before every call; the first that returns a response answers the call instead
of the route. :meth:`Connector.fail_next` is one; a rate limiter is another::

    def throttle(call: Call) -> web.Response | None:
        ...  # return web.Response(status=429, headers={"Retry-After": "1"}) to refuse

    connector.policies.append(throttle)

Teams' rate limits are enforced by :meth:`Connector.throttle` (a
:class:`Throttle`, which counts every request that arrives and answers 429 with
``Retry-After`` over the limit, recording the violation). On-demand failures:
:meth:`Connector.fail_next` (any status, optionally with ``Retry-After``),
:meth:`Connector.hang_next` (no answer before the client's timeout) and
:meth:`Connector.fail_at_random` (a share of calls, for benchmarks).
:class:`VirtualClock` is a fast fake clock to share between the bot's rate
limiter and the throttle.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import inspect
import itertools
import json
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True, slots=True)
class Call:
    """One request the bot made: which route, on what, with what."""

    route: str  # e.g. "send_to_conversation", "paged_members"
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None
    body: Any  # parsed JSON, or None
    authorization: str | None  # the Authorization header as sent (tests check none leaks locally)
    query: dict[str, str]
    size: int = 0  # the request body's bytes as they arrived (Teams refuses 28 KB or more)
    connection: str = ""  # the bot's end of the TCP connection it came on ("host:port")


@dataclass(slots=True)
class Member:
    """A roster entry as Teams returns it (``TeamsChannelAccount``)."""

    id: str
    name: str
    aad_object_id: str
    email: str | None = None
    user_principal_name: str | None = None
    user_role: str = "user"  # "owner" | "user" | "guest"

    def to_json(self) -> dict[str, Any]:
        """The JSON Teams sends for this member."""
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "userRole": self.user_role,
        }
        if self.email is not None:
            body["email"] = self.email
        if self.user_principal_name is not None:
            body["userPrincipalName"] = self.user_principal_name
        return body


@dataclass(slots=True)
class TeamRecord:
    """What the connector knows about a team: its channels and members."""

    id: str
    name: str
    channels: list[tuple[str, str | None]] = field(default_factory=list)  # (id, name)
    members: list[Member] = field(default_factory=list)


Policy = Callable[[Call], web.StreamResponse | Awaitable[web.StreamResponse] | None]

# Teams' documented bot limits: (requests, seconds) per tenant and per conversation.
TENANT_LIMITS = ((50, 1.0),)
CONVERSATION_LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0))
# Calls into one conversation, counted against its own limits as well as the tenant's.
_CONVERSATION_ROUTES = frozenset(
    {"send_to_conversation", "reply_to_activity", "update_activity", "delete_activity"}
)


@dataclass(frozen=True, slots=True)
class Violation:
    """A request that arrived when one of Teams' windows was already full."""

    at: float
    scope: str  # "tenant" | "conversation"
    key: str  # the tenant id, or the conversation id
    limit: int
    seconds: float
    route: str


class Throttle:
    """Teams' limits as the connector enforces them.

    Every call that arrives counts (refused ones too, as at Teams). A call over
    a limit is answered with 429 and ``Retry-After`` (whole seconds until the
    window has room) and recorded in :attr:`violations`. A call counts against
    its tenant (from the body, or the conversation it was created in) and, when
    it goes into a conversation, against that conversation.
    """

    def __init__(
        self,
        connector: Connector,
        clock: Callable[[], float] = time.monotonic,
        *,
        refuse: bool = True,
    ) -> None:
        self._connector = connector
        self._clock = clock
        self._refuse = refuse
        self._tenants: dict[str, deque[float]] = {}
        self._conversations: dict[str, deque[float]] = {}
        self.violations: list[Violation] = []
        self.counted = 0

    def __call__(self, call: Call) -> web.StreamResponse | None:
        now = self._clock()
        waits: list[float] = []
        tenant_id = self._connector.tenant_of(call)
        if tenant_id is not None:
            history = self._tenants.setdefault(tenant_id, deque())
            waits += self._count(history, now, TENANT_LIMITS, call, "tenant", tenant_id)
        if call.route in _CONVERSATION_ROUTES and call.conversation_id is not None:
            history = self._conversations.setdefault(call.conversation_id, deque())
            waits += self._count(
                history, now, CONVERSATION_LIMITS, call, "conversation", call.conversation_id
            )
        self.counted += 1
        if not waits or not self._refuse:
            return None
        return web.json_response(
            {"error": {"code": "TooManyRequests", "message": "throttled"}},
            status=429,
            headers={"Retry-After": str(max(1, math.ceil(max(waits))))},
        )

    def _count(
        self,
        history: deque[float],
        now: float,
        limits: tuple[tuple[int, float], ...],
        call: Call,
        scope: str,
        key: str,
    ) -> list[float]:
        history.append(now)
        longest = max(seconds for _, seconds in limits)
        while history and history[0] + longest <= now:
            history.popleft()
        waits: list[float] = []
        for limit, seconds in limits:
            # Over the limit when the (limit+1)-th most recent call, this one included,
            # is less than `seconds` old (same comparison as the bot's limiter).
            if len(history) > limit and history[-limit - 1] + seconds > now:
                waits.append(history[-limit - 1] + seconds - now)
                self.violations.append(Violation(now, scope, key, limit, seconds, call.route))
        return waits


class VirtualClockStuckError(RuntimeError):
    """Virtual time could not move: ``settled()`` stayed false while nothing else could run."""


class VirtualClock:
    """Monotonic seconds that move only when nothing else can: a fast fake clock.

    Share it between the bot's rate limiter (``clock=c, sleep=c.sleep``), the
    sender and the connector's :class:`Throttle`. Sleepers queue by the instant
    they wake at. Time jumps to the earliest one only when every task is waiting
    on the clock: the event loop has had nothing to run for a few turns in a row
    (no callback ready, no timer due, no socket ready to read or write), and
    ``settled()``, if given, is true. So time never moves while a request or its
    answer is on its way over a real socket, however slow a busy machine makes
    that. ``settled`` is for what the loop cannot see (work in a thread or
    another process), e.g. "every request let through has arrived", so that
    both sides see a request at the same virtual instant.

    Time never jumps on a real-time deadline. If ``settled()`` stays false for
    ``stuck_after`` real seconds while the loop has nothing to run, every
    sleeper fails with :class:`VirtualClockStuckError` instead.
    """

    def __init__(
        self,
        start: float = 1000.0,
        settled: Callable[[], bool] | None = None,
        *,
        stuck_after: float = 60.0,
    ) -> None:
        self.now = start
        self.settled = settled
        self.stuck_after = stuck_after
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wait until ``seconds`` of virtual time have passed."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        target = self.now + seconds
        if target <= self.now:  # below float resolution: still move
            target = math.nextafter(self.now, math.inf)
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (target, next(self._order), woken))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await woken

    async def _drive(self) -> None:
        while self._sleepers:
            try:
                await self._quiet()
            except VirtualClockStuckError as stuck:
                while self._sleepers:
                    woken = heapq.heappop(self._sleepers)[2]
                    if not woken.done():
                        woken.set_exception(stuck)
                return
            target = self._sleepers[0][0]
            self.now = max(self.now, target)
            while self._sleepers and self._sleepers[0][0] <= self.now:
                woken = heapq.heappop(self._sleepers)[2]
                if not woken.done():
                    woken.set_result(None)

    async def _quiet(self) -> None:
        """Return once every task waits on the clock (see the class docstring)."""
        loop = asyncio.get_running_loop()
        calm = 0
        unsettled_since: float | None = None
        while calm < _CALM_TURNS:
            if not _loop_is_idle(loop):
                calm, unsettled_since = 0, None
                await asyncio.sleep(0)  # let it run
            elif self.settled is not None and not self.settled():
                # Work the loop cannot see is still going on: give it real time.
                calm = 0
                if unsettled_since is None:
                    unsettled_since = time.monotonic()
                elif time.monotonic() - unsettled_since > self.stuck_after:
                    raise VirtualClockStuckError(
                        f"settled() stayed false for {self.stuck_after:g} s of real time "
                        "with nothing left to run"
                    )
                await asyncio.sleep(0.0005)
            else:
                calm += 1
                await asyncio.sleep(0)


# Turns of the event loop in a row with nothing to run before virtual time moves.
_CALM_TURNS = 3


def _loop_is_idle(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether nothing in ``loop`` can run before real or virtual time passes.

    Reads the internals of asyncio's selector event loop (the default on Linux and
    macOS): its queue of ready callbacks, its timers and its selector, polled
    without waiting. Readiness is level-triggered, so polling consumes nothing.
    """
    ready = getattr(loop, "_ready", None)
    timers = getattr(loop, "_scheduled", None)
    selector = getattr(loop, "_selector", None)
    if ready is None or timers is None or selector is None:
        raise RuntimeError("VirtualClock needs asyncio's selector event loop")
    if ready:
        return False
    if timers and timers[0].when() <= loop.time():
        return False
    return not selector.select(0)


class Connector:
    """The fake connector service: ``async with Connector() as c``; ``c.url`` is the serviceUrl."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.teams: dict[str, TeamRecord] = {}
        self.conversation_members: dict[str, list[Member]] = {}
        self.policies: list[Policy] = []
        self.conversation_tenants: dict[str, str] = {}
        self.answered: list[Call] = []  # calls the route served (no policy refused them)
        self._ids = itertools.count(1)
        self._drops: list[Callable[[Call], bool]] = []
        self._transports: dict[str, asyncio.BaseTransport] = {}
        self._closing = asyncio.Event()
        self._server: TestServer | None = None

    # -- set-up ----------------------------------------------------------------

    def add_team(
        self,
        team_id: str,
        name: str,
        *,
        channels: list[tuple[str, str | None]] | None = None,
        members: list[Member] | None = None,
    ) -> TeamRecord:
        """Make a team known; ``channels`` default to General (id = team id, no name)."""
        record = TeamRecord(
            id=team_id,
            name=name,
            channels=channels if channels is not None else [(team_id, None)],
            members=members or [],
        )
        self.teams[team_id] = record
        return record

    def fail_next(
        self,
        count: int,
        status: int = 500,
        route: str | None = None,
        *,
        retry_after: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls (to ``route``, or any) with ``status``.

        ``retry_after`` is sent as the ``Retry-After`` header (seconds or an HTTP date).
        """
        remaining = count

        def fail(call: Call) -> web.StreamResponse | None:
            nonlocal remaining
            if remaining <= 0 or (route is not None and call.route != route):
                return None
            remaining -= 1
            return _failure(status, retry_after)

        self.policies.append(fail)

    def hang_next(self, count: int, route: str | None = None, *, seconds: float = 30.0) -> None:
        """Leave the next ``count`` calls unanswered for ``seconds`` (real time), then 504.

        The bot's client times out first; the call is recorded (it arrived).
        """
        remaining = count

        async def hang() -> web.StreamResponse:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)
            return _failure(504, None)

        def stall(call: Call) -> Awaitable[web.StreamResponse] | None:
            nonlocal remaining
            if remaining <= 0 or (route is not None and call.route != route):
                return None
            remaining -= 1
            return hang()

        self.policies.append(stall)

    def drop_next(self, count: int, route: str | None = None) -> None:
        """Close the connection of the next ``count`` calls (to ``route``, or any) unanswered.

        The call is recorded (it arrived); the bot sees its connection closed
        before any answer, as when a server drops a kept-open connection.
        """
        remaining = count

        def drop(call: Call) -> bool:
            nonlocal remaining
            if remaining <= 0 or (route is not None and call.route != route):
                return False
            remaining -= 1
            return True

        self._drops.append(drop)

    def connections(self) -> list[str]:
        """The TCP connections calls arrived on, in order of first use (the bot's "host:port")."""
        return list(dict.fromkeys(c.connection for c in self.calls))

    def open_connections(self) -> list[str]:
        """The connections calls arrived on that are still open."""
        return [name for name, t in self._transports.items() if not t.is_closing()]

    def fail_at_random(
        self,
        share: float,
        status: int,
        *,
        seed: int,
        retry_after: str | None = None,
        route: str | None = None,
    ) -> None:
        """Answer a ``share`` (0..1) of calls with ``status``, chosen by a seeded generator."""
        chooser = random.Random(seed)

        def fail(call: Call) -> web.StreamResponse | None:
            if (route is not None and call.route != route) or chooser.random() >= share:
                return None
            return _failure(status, retry_after)

        self.policies.append(fail)

    def throttle(self, clock: Callable[[], float] = time.monotonic) -> Throttle:
        """Enforce Teams' limits from now on; the :class:`Throttle` records violations.

        It is consulted before every other policy, so that refused calls count too.
        """
        throttle = Throttle(self, clock)
        self.policies.insert(0, throttle)
        return throttle

    def tenant_of(self, call: Call) -> str | None:
        """The tenant a call is for: named in the body, or where its conversation was created."""
        body = call.body if isinstance(call.body, dict) else {}
        conversation = body.get("conversation") or {}
        channel_data = body.get("channelData") or {}
        named = (
            body.get("tenantId")
            or conversation.get("tenantId")
            or (channel_data.get("tenant") or {}).get("id")
        )
        if named:
            return str(named)
        if call.conversation_id is not None:
            return self.conversation_tenants.get(call.conversation_id)
        return None

    # -- what arrived ------------------------------------------------------------

    def sent(self, conversation_id: str | None = None) -> list[Call]:
        """Activities the bot sent or replied (optionally into one conversation), in order."""
        return [
            c
            for c in self.calls
            if c.route in ("send_to_conversation", "reply_to_activity")
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    def texts(self, conversation_id: str | None = None) -> list[str]:
        """The text of every message sent (cards give "")."""
        return [c.body.get("text") or "" for c in self.sent(conversation_id)]

    def cards(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        """The Adaptive Cards sent, in order."""
        return [
            a["content"]
            for c in self.sent(conversation_id)
            for a in c.body.get("attachments") or ()
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def delivered(self, conversation_id: str | None = None) -> list[Call]:
        """Activities that went through (sent, not refused by a policy), in order."""
        return [
            c
            for c in self.answered
            if c.route in ("send_to_conversation", "reply_to_activity")
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    def updated_cards(self, conversation_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Cards the bot put in place of earlier messages (update activity), in order.

        Each as ``(activity id, card)``; only updates that went through.
        """
        return [
            (c.activity_id or "", a["content"])
            for c in self.answered
            if c.route == "update_activity"
            and (conversation_id is None or c.conversation_id == conversation_id)
            for a in (c.body or {}).get("attachments") or ()
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def calls_to(self, route: str) -> list[Call]:
        """Every call to one route."""
        return [c for c in self.calls if c.route == route]

    # -- server ----------------------------------------------------------------

    @property
    def url(self) -> str:
        """The serviceUrl to put in activities (ends with "/")."""
        assert self._server is not None, "connector not started"
        return str(self._server.make_url("/"))

    async def __aenter__(self) -> Connector:
        self._server = TestServer(self._app(), host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._closing.set()  # let hanging calls end before the server closes
        await self._server.close()

    def _app(self) -> web.Application:
        app = web.Application()
        r = app.router
        r.add_post("/v3/conversations", self._route("create_conversation", self._create))
        r.add_post(
            "/v3/conversations/{cid}/activities", self._route("send_to_conversation", self._send)
        )
        r.add_post(
            "/v3/conversations/{cid}/activities/{aid}",
            self._route("reply_to_activity", self._send),
        )
        r.add_put(
            "/v3/conversations/{cid}/activities/{aid}", self._route("update_activity", self._update)
        )
        r.add_delete(
            "/v3/conversations/{cid}/activities/{aid}", self._route("delete_activity", self._ok)
        )
        # Teams' path is case-insensitive; the SDK uses both spellings.
        for spelling in ("pagedmembers", "pagedMembers"):
            r.add_get(
                f"/v3/conversations/{{cid}}/{spelling}", self._route("paged_members", self._paged)
            )
        r.add_get("/v3/conversations/{cid}/members", self._route("members", self._members))
        r.add_get("/v3/conversations/{cid}/members/{uid}", self._route("member", self._member))
        r.add_get("/v3/teams/{tid}/conversations", self._route("team_channels", self._channels))
        r.add_get("/v3/teams/{tid}", self._route("team_details", self._team))
        return app

    def _route(
        self, name: str, answer: Callable[[web.Request, Call], Any]
    ) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            raw = await request.read() if request.can_read_body else b""
            body = json.loads(raw) if raw else None
            transport = request.transport
            peer = transport.get_extra_info("peername") if transport is not None else None
            connection = f"{peer[0]}:{peer[1]}" if peer else ""
            if transport is not None:
                self._transports[connection] = transport
            call = Call(
                route=name,
                method=request.method,
                path=request.path,
                conversation_id=request.match_info.get("cid") or request.match_info.get("tid"),
                activity_id=request.match_info.get("aid"),
                body=body,
                authorization=request.headers.get("Authorization"),
                query=dict(request.query),
                size=len(raw),
                connection=connection,
            )
            self.calls.append(call)
            if any(drop(call) for drop in self._drops):
                if transport is not None:
                    transport.abort()
                raise asyncio.CancelledError  # nothing is answered on a dropped connection
            for policy in self.policies:
                refused = policy(call)
                if inspect.isawaitable(refused):
                    refused = await refused
                if refused is not None:
                    return refused
            response: web.StreamResponse = await answer(request, call)
            self.answered.append(call)
            return response

        return handle

    def _roster(self, conversation_id: str) -> list[Member]:
        if conversation_id in self.teams:
            return self.teams[conversation_id].members
        return self.conversation_members.get(conversation_id, [])

    async def _create(self, request: web.Request, call: Call) -> web.Response:
        conversation_id = f"a:conv-{next(self._ids)}"
        tenant_id = self.tenant_of(call)
        if tenant_id is not None:
            self.conversation_tenants[conversation_id] = tenant_id
        members = (call.body or {}).get("members") or []
        self.conversation_members[conversation_id] = [
            Member(id=m["id"], name=m.get("name", ""), aad_object_id=m.get("aadObjectId", ""))
            for m in members
        ]
        return web.json_response({"id": conversation_id, "activityId": f"act-{next(self._ids)}"})

    async def _send(self, request: web.Request, call: Call) -> web.Response:
        return web.json_response({"id": f"act-{next(self._ids)}"})

    async def _update(self, request: web.Request, call: Call) -> web.Response:
        return web.json_response({"id": call.activity_id})

    async def _ok(self, request: web.Request, call: Call) -> web.Response:
        return web.Response(status=200)

    async def _paged(self, request: web.Request, call: Call) -> web.Response:
        members = self._roster(request.match_info["cid"])
        size = int(request.query.get("pageSize") or 100)
        start = int(request.query.get("continuationToken") or 0)
        page = members[start : start + size]
        # Teams ends the last page with an explicit null, which the SDK's model refuses.
        body: dict[str, Any] = {"members": [m.to_json() for m in page], "continuationToken": None}
        if start + size < len(members):
            body["continuationToken"] = str(start + size)
        return web.json_response(body)

    async def _members(self, request: web.Request, call: Call) -> web.Response:
        return web.json_response([m.to_json() for m in self._roster(request.match_info["cid"])])

    async def _member(self, request: web.Request, call: Call) -> web.Response:
        for member in self._roster(request.match_info["cid"]):
            if member.id == request.match_info["uid"]:
                return web.json_response(member.to_json())
        return web.json_response(
            {"error": {"code": "MemberNotFoundInConversation", "message": "not found"}}, status=404
        )

    async def _channels(self, request: web.Request, call: Call) -> web.Response:
        team = self.teams.get(request.match_info["tid"])
        if team is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response(
            {"conversations": [{"id": cid, "name": name} for cid, name in team.channels]}
        )

    async def _team(self, request: web.Request, call: Call) -> web.Response:
        team = self.teams.get(request.match_info["tid"])
        if team is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response(
            {"id": team.id, "name": team.name, "memberCount": len(team.members)}
        )


def _failure(status: int, retry_after: str | None) -> web.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return web.json_response(
        {"error": {"code": "ServiceError", "message": "failing on purpose"}},
        status=status,
        headers=headers,
    )
