"""KPIs in chat: the form to add one to the person's team or update one (its value mostly)."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot import okr_views
from bot.authoring import context, form_card, member_choices
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.saving import SavePath, Target, card_id, expired
from cards import verbs
from cards.forms import FormResult
from cards.i18n import text
from cards.kpi_form import KPI_FORM, kpi_form, read_kpi_form
from cards.origin import Origin, read_origin
from okr.authoring import KpiInput
from okr.models import Kpi
from storage.ids import new_id


def register(features: Features) -> None:
    """Register the KPI form's verbs."""
    features.add_verb(verbs.KPI_NEW, new_kpi)
    features.add_verb(verbs.KPI_SAVE, save_kpi)
    features.add_verb(verbs.KPI_EDIT, edit_kpi)


async def new_kpi(turn: Turn, action: CardAction) -> Replies:
    """The KPI form, as a message of its own: the card its button is on (the digest) stays."""
    lang = okr_views.language(turn)
    # Sent fresh beside the digest: Cancel has nothing to restore.
    origin = Origin(turn.member.id)
    form = kpi_form(lang, {"owner": turn.member.id}, {}, await member_choices(turn), origin=origin)
    return [
        Text(text(lang, "form.sent_below"), in_place=True),
        form_card(form, lang, "form.kpi.new"),
    ]


async def edit_kpi(turn: Turn, action: CardAction) -> Replies:
    """The KPI form filled in from the stored KPI (to update its value or threshold)."""
    target = await _load(turn, action)
    if target is None or target.existing is None:
        return expired(turn)
    kpi = target.existing
    lang = okr_views.language(turn)
    if not await okr_views.may_change(turn, kpi):
        return Text(text(lang, "permission.kpi"))
    values = KPI_FORM.prefill(kpi, lang)
    members = await member_choices(turn)
    form = kpi_form(lang, values, {}, members, kpi_id=kpi.id, origin=Origin(turn.member.id))
    return form_card(form, lang, "form.kpi.edit")


async def _load(turn: Turn, action: CardAction) -> Target[Kpi] | None:
    kpi_id = card_id(action.data, "kpi_id")
    if kpi_id is None:
        return Target(existing=None)
    kpi = await turn.store.get_kpi(turn.tenant_id, kpi_id)
    return Target(existing=kpi) if kpi is not None else None


async def _read(turn: Turn, action: CardAction, target: Target[Kpi]) -> FormResult[KpiInput]:
    form = read_kpi_form(action.data, okr_views.language(turn), await context(turn, action.data))
    parsed = form.parsed
    if parsed is not None and parsed.threshold is None:
        parsed = None  # a problem already says so
    return FormResult(form.values, parsed, form.problems)


async def _again(
    turn: Turn, action: CardAction, target: Target[Kpi], form: FormResult[KpiInput]
) -> Card:
    lang = okr_views.language(turn)
    again = kpi_form(
        lang,
        form.values,
        form.problems,
        await member_choices(turn),
        kpi_id=target.existing.id if target.existing else None,
        origin=read_origin(action.data),
    )
    return form_card(again, lang, "form.fix_problems")


async def _write(turn: Turn, action: CardAction, target: Target[Kpi], parsed: KpiInput) -> Kpi:
    assert parsed.threshold is not None
    fields: dict[str, Any] = {
        "title": parsed.title,
        "threshold": parsed.threshold,
        "comparison": parsed.comparison,
        "current": parsed.current,
        "unit": parsed.unit,
        "owner_id": parsed.owner_id,
        "updated_at": turn.now,
    }
    if target.existing is not None:
        return await turn.store.save_kpi(dataclasses.replace(target.existing, **fields))
    return await turn.store.save_kpi(
        Kpi(tenant_id=turn.tenant_id, id=new_id(), team_id=okr_views.team_id_of(turn), **fields)
    )


async def _done(turn: Turn, action: CardAction, target: Target[Kpi], saved: Kpi) -> Replies:
    return Text(text(okr_views.language(turn), "kpi.saved", title=saved.title))


async def _changed(turn: Turn, target: Target[Kpi]) -> Replies:
    return Text(text(okr_views.language(turn), "error.changed_meanwhile"))


save_kpi = SavePath[Kpi, KpiInput](
    refused="permission.kpi",
    load=_load,
    read=_read,
    again=_again,
    write=_write,
    done=_done,
    changed=_changed,
)
