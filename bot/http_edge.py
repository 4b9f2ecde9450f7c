"""The activity gate: what a request body must be before the SDK and the bot see it.

Everything here is refused with a 4xx and a fixed ``{"error": …}`` body that
names at most a field, never a value; nothing is stored, sent or logged with
what the body said. In order:

1. **415** unless ``Content-Type`` is ``application/json`` (charset, if given,
   UTF-8). A web page can POST ``text/plain``, forms and multipart to any
   address without the browser asking first; a JSON post it cannot, so a local
   bot cannot be driven from a browser.
2. **413** for a body over ``MAX_BODY_BYTES`` (aiohttp's ``client_max_size``).
3. **400** for a body that is not JSON, nests deeper than :data:`MAX_JSON_DEPTH`
   (or deeper than the parser's recursion allows), is not an object, lacks one
   of ``type``, ``channelId``, ``serviceUrl``, ``conversation.id``,
   ``recipient.id`` as a non-blank string, or is not an activity to the SDK.
   The SDK would answer some of these with a 500 and leave an HTTP session open
   per request (no ``serviceUrl``).
4. **403** when the token's signing key is not endorsed for the activity's
   ``channelId`` (Bot Framework's key endorsements), or the tenant is outside
   ``ALLOWED_TENANTS`` (logged; with credentials that is the bot's own tenant
   unless the operator lists others or ``*``).

Past the gate, an unexpected error answers **500** with a fixed body; the trace
goes to the log only (see :mod:`bot.logs` for what a trace may show).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity

from bot.activities import tenant_of
from bot.auth import CALLER_KEY
from bot.logs import turn_log_context

log = logging.getLogger("okr.hosting")

# The tenants served; None serves every tenant (local mode, or ALLOWED_TENANTS=*).
ALLOWED_TENANTS_KEY: web.AppKey[frozenset[str] | None] = web.AppKey("allowed_tenants")
# The activity the gate read and let through: the adapter runs the turn on it
# rather than parsing and validating the body a second time.
ACTIVITY_KEY = web.RequestKey("activity", Activity)

# Teams activities nest about ten levels; card data a few more. Far deeper is an attack,
# and the SDK and the bot walk these structures recursively.
MAX_JSON_DEPTH = 64
_CHARSETS = frozenset({"utf-8", "utf8"})
# Fields the SDK needs to answer at all, each a non-blank string.
_REQUIRED_TEXT = ("type", "channelId", "serviceUrl")
_REQUIRED_ACCOUNTS = ("conversation", "recipient")


class NotAnActivity(Exception):
    """The body cannot be an activity; the message names the reason, never a value."""


def refuse(status: int, error: str) -> web.Response:
    """A refusal with a fixed JSON body."""
    return web.json_response({"error": error}, status=status)


def is_json_content(request: web.BaseRequest) -> bool:
    """True for ``application/json`` with no charset or a UTF-8 one."""
    charset = request.charset
    return request.content_type == "application/json" and (
        charset is None or charset.lower() in _CHARSETS
    )


def read_activity(body: bytes) -> Activity:
    """The activity in ``body``; raises :class:`NotAnActivity` saying why not."""
    try:
        payload = json.loads(body)
    except ValueError:  # includes UnicodeDecodeError
        raise NotAnActivity("the body is not JSON") from None
    except RecursionError:
        raise NotAnActivity("the body nests too deeply") from None
    if not isinstance(payload, dict):
        raise NotAnActivity("the body is not an activity")
    if nests_deeper_than(payload, MAX_JSON_DEPTH):
        raise NotAnActivity("the body nests too deeply")
    for field in _REQUIRED_TEXT:
        if not _is_text(payload.get(field)):
            raise NotAnActivity(f"the activity has no {field}")
    for field in _REQUIRED_ACCOUNTS:
        account = payload.get(field)
        if not isinstance(account, dict) or not _is_text(account.get("id")):
            raise NotAnActivity(f"the activity has no {field}.id")
    try:
        return Activity.model_validate(payload)
    except Exception:  # ValidationError, and the TypeErrors some SDK validators raise instead
        raise NotAnActivity("the body is not an activity") from None


def nests_deeper_than(value: Any, limit: int) -> bool:
    """True when objects and arrays in ``value`` nest more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@web.middleware
async def activity_gate(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse what is not an activity for this app; tag every log line of the turn with its ids."""
    if not is_json_content(request):
        return refuse(415, "the body must be application/json")
    body = await request.read()  # over client_max_size: aiohttp raises 413
    try:
        activity = read_activity(body)
    except NotAnActivity as exc:
        return refuse(400, str(exc))
    caller = request.get(CALLER_KEY)
    endorsements = caller.endorsements if caller is not None else None
    channel = activity.channel_id.channel if activity.channel_id else None
    if endorsements is not None and channel not in endorsements:
        log.warning("refused a %s activity: its token is not endorsed for it", activity.type)
        return refuse(403, "the token is not valid for this channel")
    tenant_id = tenant_of(activity)
    with turn_log_context(
        tenant_id=tenant_id,
        conversation_id=activity.conversation.id if activity.conversation else None,
        activity_id=activity.id,
    ):
        allowed = request.app[ALLOWED_TENANTS_KEY]
        if allowed is not None and tenant_id not in allowed:
            log.warning("refused a %s activity: tenant not in ALLOWED_TENANTS", activity.type)
            return refuse(403, "this tenant is not served")
        request[ACTIVITY_KEY] = activity
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            log.exception("request failed")
            return refuse(500, "internal error")
        return response
