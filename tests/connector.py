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
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
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


Policy = Callable[[Call], web.StreamResponse | None]


class Connector:
    """The fake connector service: ``async with Connector() as c``; ``c.url`` is the serviceUrl."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.teams: dict[str, TeamRecord] = {}
        self.conversation_members: dict[str, list[Member]] = {}
        self.policies: list[Policy] = []
        self._ids = itertools.count(1)
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

    def fail_next(self, count: int, status: int = 500, route: str | None = None) -> None:
        """Answer the next ``count`` calls (to ``route``, or any) with ``status``."""
        remaining = count

        def fail(call: Call) -> web.StreamResponse | None:
            nonlocal remaining
            if remaining <= 0 or (route is not None and call.route != route):
                return None
            remaining -= 1
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "failing on purpose"}},
                status=status,
            )

        self.policies.append(fail)

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
            body = await request.json() if request.can_read_body else None
            call = Call(
                route=name,
                method=request.method,
                path=request.path,
                conversation_id=request.match_info.get("cid") or request.match_info.get("tid"),
                activity_id=request.match_info.get("aid"),
                body=body,
                authorization=request.headers.get("Authorization"),
                query=dict(request.query),
            )
            self.calls.append(call)
            for policy in self.policies:
                refused = policy(call)
                if refused is not None:
                    return refused
            response: web.StreamResponse = await answer(request, call)
            return response

        return handle

    def _roster(self, conversation_id: str) -> list[Member]:
        if conversation_id in self.teams:
            return self.teams[conversation_id].members
        return self.conversation_members.get(conversation_id, [])

    async def _create(self, request: web.Request, call: Call) -> web.Response:
        conversation_id = f"a:conv-{next(self._ids)}"
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
        body: dict[str, Any] = {"members": [m.to_json() for m in page]}
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
