"""Our replies (:class:`bot.features.Text` and ``Card``) as the SDK's activities.

A reply is sent as a message, or returned as the answer of an
``adaptiveCard/action`` invoke: a card answer replaces the pressed card, a
message answer is a short line that leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment, DeliveryModes
from microsoft_agents.hosting.core import TurnContext

from bot.features import Card, Reply, Text
from cards.markdown import safe

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"


class _Built(dict[str, Any]):
    """JSON built for one reply and never changed afterwards: copies share it.

    The SDK deep-copies every activity it sends (``TurnContext.send_activities``),
    card included: 1 to 2 ms of a turn's CPU for a list card. Our cards are
    made afresh for each reply by pure functions and nobody changes them once
    handed over, so a copy may share them; the activity around them is still
    copied.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> _Built:
        return self


class _CardMessage(Activity):
    """A message carrying our cards: dumped for the wire without pydantic walking the cards.

    The SDK's connector client sends an activity as
    ``model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)``,
    and pydantic walks every dict and list of an attachment's content to do
    so: about 1.5 ms of CPU for the new-objective form, more than building it.
    Our card JSON is plain JSON already; it is put into the dumped activity as
    it is, and the HTTP client's ``json.dumps`` writes it once. Anything else
    (a copy, another mode) is pydantic's own dump.
    """

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        attachments = self.attachments
        if kwargs.get("mode") != "json" or "exclude" in kwargs or not attachments:
            return super().model_dump(**kwargs)
        dumped = super().model_dump(exclude={"attachments"}, **kwargs)
        dumped["attachments"] = [
            {"contentType": a.content_type, "content": a.content} for a in attachments
        ]
        return dumped


def message(reply: Reply) -> Activity:
    """``reply`` as a message activity."""
    if isinstance(reply, Text):
        # Our strings are Markdown; anything else is shown as typed.
        return Activity(type=ActivityTypes.message, text=safe(reply.text), text_format="markdown")
    activity = _CardMessage(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=_Built(reply.content))],
    )
    if reply.fallback_text:  # the SDK refuses an empty summary
        activity.summary = reply.fallback_text
    return activity


async def send(context: TurnContext, replies: Sequence[Reply]) -> None:
    """Send ``replies`` into the turn's conversation, in order."""
    for reply in replies:
        await context.send_activity(message(reply))


async def invoke_response(context: TurnContext, reply: Reply | None) -> None:
    """Answer the invoke in its HTTP response (status 200, a card or a message).

    The answer is left where the SDK's adapter reads it at the end of the turn
    (``INVOKE_RESPONSE_KEY`` in the turn state), which is all its
    ``send_activity`` does with an invoke response after deep-copying it,
    stamping it with the conversation reference and opening telemetry spans
    around it: about 0.6 ms of CPU per check-in submit for a value nobody
    reads. An adapter without that slot, or a request that buffers replies
    (``expectReplies``), still goes through ``send_activity``. The body is
    plain JSON built for this reply, never passed through pydantic: dumping a
    card through ``InvokeResponse.model_dump`` cost another 0.85 ms.
    """
    body: dict[str, Any]
    if isinstance(reply, Card):
        body = {"statusCode": 200, "type": ADAPTIVE_CARD, "value": dict(reply.content)}
    else:
        text = reply.text if reply is not None else ""
        body = {"statusCode": 200, "type": INVOKE_MESSAGE, "value": text}
    answer = Activity(
        type=ActivityTypes.invoke_response,
        value=_Built({"status": int(HTTPStatus.OK), "body": body}),
    )
    slot = getattr(context.adapter, "INVOKE_RESPONSE_KEY", None)
    if not isinstance(slot, str) or context.activity.delivery_mode == DeliveryModes.expect_replies:
        await context.send_activity(answer)
        return
    context.turn_state[slot] = answer
    context.responded = True
