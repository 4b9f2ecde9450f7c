"""The team digest card: what a team lead reads in a minute, and always postable.

Built from an :class:`okr.digest.TeamDigest`, whose lists are complete and
ranked (at risk first, then the biggest movers); this module decides what fits.
The overall figures always cover every objective; a list that does not fit is
cut with "and 180 more" and a button to see everything. What fits is measured,
not guessed: the card is built, its JSON measured as the bot sends it, and the
objectives list shortened until it is under :data:`CARD_BUDGET_BYTES`.

Charts (``cards.charts``) carry fallbacks with the same numbers, so a host
that does not know them shows text. Owners of key results at risk are
@mentioned with Teams ``mention`` entities (``msteams.entities``) whose
``<at>Name</at>`` text is in the card's text, as Teams requires.

The same card shows one person's own objectives in personal chat
(``personal=True``): no participation, no mentions, and their own buttons.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from microsoft_teams.cards import Mention, MentionedEntity

from cards import verbs
from cards.charts import Series, Slice, donut, gauge, line
from cards.elements import (
    Element,
    beside,
    card,
    execute,
    heading,
    paragraph,
    progress_text,
    with_action,
)
from cards.i18n import Language, label, text
from cards.locale_format import (
    format_comparison,
    format_date,
    format_decimal,
    format_list,
    format_measure,
    format_period,
    format_progress,
)
from cards.markdown import Markdown, bold, italic, join
from cards.teams_elements import pace_badge, progress_element, status_badge
from okr.digest import KeyResultLine, KpiLine, ObjectiveLine, TeamDigest
from okr.models import CheckInStatus, Kpi, Member
from okr.pace import DEFAULT_THRESHOLDS, PaceStatus

CARD_BUDGET_BYTES = 26 * 1024
"""The card's size at most, as sent (``json.dumps`` defaults: ASCII escapes, spaces).

Teams refuses a message of 28 KB or more; the rest is the activity around the card.
"""

MOST_OBJECTIVES = 25  # even when more would fit: a digest is read, not searched
FEWEST_OBJECTIVES = 10  # the other lists shrink before the objectives go under this
MOST_MISSING_NAMES = 8
MOST_TREND_POINTS = 13  # a quarter of weekly digests

# Characters a name cannot carry inside <at>…</at>: Teams matches the text exactly,
# and Markdown or a tag inside would change it.
_NOT_IN_MENTION = re.compile(r"[<>\\*_`\[\]~\r\n]+")


@dataclass(frozen=True, slots=True)
class _Limits:
    """How many of each list the card shows, and how much of a note."""

    objectives: int = MOST_OBJECTIVES
    at_risk: int = 8
    stale: int = 5
    movers: int = 5  # up, and as many down
    kpis: int = 5
    note: int = 160  # characters of a key result's latest note; 0: no notes


# From generous to tight: the first level where enough objectives fit wins.
_LEVELS = (
    _Limits(),
    _Limits(at_risk=5, stale=3, movers=3, kpis=3, note=100),
    _Limits(at_risk=3, stale=2, movers=2, kpis=2, note=0),
    _Limits(at_risk=2, stale=0, movers=0, kpis=1, note=0),
)


def team_digest_card(
    lang: Language,
    digest: TeamDigest,
    members: Mapping[str, Member],
    *,
    personal: bool = False,
    kpi_edits: Collection[str] = (),
) -> Element:
    """The digest of one team (or, ``personal``, of one person's own OKRs) in ``lang``.

    Args:
        lang: The language to write in (a channel's: the team's).
        digest: What to show; every list complete and ranked.
        members: The people the digest names, by member id.
        personal: One person's own objectives in their personal chat: no
            participation or mentions, "My OKRs" instead of "Team OKRs", and the
            authoring buttons (new objective, add a KPI) a channel post never has.
        kpi_edits: KPIs the reader may update (personal only): an "Update" beside each.
    """
    names = _Names(members, mention=not personal)
    pieces = _Pieces(lang, digest, names, personal=personal, kpi_edits=kpi_edits)
    return _fitted(pieces)


def sent_bytes(content: Mapping[str, Any]) -> int:
    """The card's size as the bot's HTTP client sends it (``json.dumps`` defaults)."""
    return len(json.dumps(content).encode())


def format_points(change: Decimal, lang: Language) -> str:
    """A change in points: ``0.05`` -> ``+5 points`` (``+5 điểm``); ``-0.125`` -> ``−12.5``."""
    points = (change * 100).quantize(Decimal("0.1"))
    if points == 0:
        return text(lang, "digest.no_change")
    sign = Markdown("+" if points > 0 else "−")  # ours: not the start of a Markdown list
    if points == points.to_integral_value():
        return text(lang, "digest.points", count=int(abs(points)), sign=sign)
    shown = format_decimal(abs(points), lang, max_fraction_digits=1)
    return text(lang, "digest.points_fraction", points=shown, sign=sign)


def kpi_value(lang: Language, kpi: Kpi) -> str:
    """A KPI's value and healthy range as the digest shows them: ``99,93% (≥ 99,5%)``."""
    threshold = format_comparison(kpi.comparison, kpi.threshold, lang, unit=kpi.unit)
    current = "—" if kpi.current is None else format_measure(kpi.current, lang, unit=kpi.unit)
    return f"{current} ({threshold})"


def _fitted(pieces: _Pieces) -> Element:
    """The card with the longest lists that keep it under the budget.

    Each element is built once (:class:`_Pieces`); a choice of list lengths is
    measured by adding up the serialised sizes of the elements it shows, which
    is the card's exact size but for the mention entities, counted generously.
    At each level (:data:`_LEVELS`) the most objectives that fit are chosen; the
    first level that fits :data:`FEWEST_OBJECTIVES` (or all of them) wins, else
    the tightest level with as many as fit. The card chosen is then measured
    whole, and shortened further should it not fit after all.
    """
    if pieces.size(_LEVELS[0]) <= CARD_BUDGET_BYTES:
        chosen = _LEVELS[0]
    else:
        for level in _LEVELS:
            chosen = pieces.most_objectives(level)
            if chosen.objectives >= FEWEST_OBJECTIVES:
                break
    while True:
        result = pieces.card(chosen)
        if sent_bytes(result) <= CARD_BUDGET_BYTES or chosen.objectives == 0:
            return result
        chosen = dataclasses.replace(chosen, objectives=chosen.objectives - 1)


_SEPARATOR = len(", ")  # between two items of a list or object, as json.dumps writes them
_ENTITIES = len(', "entities": []')


@dataclass(frozen=True, slots=True)
class _Piece:
    """A card element and its serialised size; ``mention``: the member it @mentions."""

    element: Element
    size: int
    mention: str | None = None


def _piece(element: Element, mention: str | None = None) -> _Piece:
    return _Piece(element, sent_bytes(element), mention)


class _Pieces:
    """The digest card's elements, each built once, as the fitting asks for them.

    The sections without a limit are built at once; a list's items are built when
    a choice first shows them (a key result at risk once per note length).
    """

    def __init__(
        self,
        lang: Language,
        digest: TeamDigest,
        names: _Names,
        *,
        personal: bool,
        kpi_edits: Collection[str],
    ) -> None:
        self._lang = lang
        self._digest = digest
        self._names = names
        self._personal = personal
        self._kpi_edits = kpi_edits if personal else ()
        self._see_all = "my_okrs" if personal else "team_okrs"
        top = [
            *_header(lang, digest, personal=personal),
            *_overall(lang, digest, personal=personal),
        ]
        if not personal:
            top += _participation(lang, digest, names)
        top += _mix(lang, digest)
        self._top = [_piece(e) for e in top]
        self._trend = [_piece(e) for e in _trend(lang, digest)]
        self._kpis_heading = [_piece(e) for e in _kpis_heading(lang, digest, personal=personal)]
        self._actions = _actions(lang, digest, personal=personal)
        self._skeleton = sent_bytes(card([], self._actions)) - _SEPARATOR
        self._memo: dict[tuple[object, ...], _Piece] = {}

    def _get(
        self, key: tuple[object, ...], build: Callable[[], Element], mention: str | None = None
    ) -> _Piece:
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = _piece(build(), mention)
        return found

    def body(self, limits: _Limits) -> list[_Piece]:
        """The card's body with the lists cut at ``limits``."""
        return [
            *self._top,
            *self._objectives(limits.objectives),
            *self._since_last(limits),
            *self._kpis(limits.kpis),
            *self._trend,
        ]

    def size(self, limits: _Limits) -> int:
        """The card's size at ``limits``: exact, the mention entities generously."""
        body = [p for p in self.body(limits) if p.element]
        entities = [self._entity(i) for i in _mentioned(body)]
        size = self._skeleton + sum(p.size + _SEPARATOR for p in body)
        if entities:
            size += _ENTITIES + sum(e.size + _SEPARATOR for e in entities)
        return size

    def most_objectives(self, level: _Limits) -> _Limits:
        """``level`` with the most objectives (at most its own) under the budget, by bisection."""
        low, high = 0, level.objectives
        while low < high:
            middle = (low + high + 1) // 2
            if self.size(dataclasses.replace(level, objectives=middle)) <= CARD_BUDGET_BYTES:
                low = middle
            else:
                high = middle - 1
        return dataclasses.replace(level, objectives=low)

    def card(self, limits: _Limits) -> Element:
        """The card at ``limits``, with the mention entities of exactly the people it tags."""
        body = self.body(limits)
        result = card([p.element for p in body], self._actions)
        entities = [self._entity(i).element for i in _mentioned(body)]
        if entities:
            result["msteams"]["entities"] = entities
        return result

    def _entity(self, member_id: str) -> _Piece:
        def build() -> Element:
            mention = self._names.entity(member_id)
            assert mention is not None  # only members who are tagged are asked for
            return mention.model_dump(exclude_none=True)

        return self._get(("entity", member_id), build)

    def _more(self, count: int, key: str) -> _Piece:
        return self._get(("more", key, count), lambda: _more(self._lang, count, key, self._see_all))

    def _objectives(self, limit: int) -> list[_Piece]:
        lang, digest = self._lang, self._digest
        if not digest.objectives:
            return []
        heading_ = self._get(
            ("objectives",),
            lambda: heading(
                text(lang, "digest.objectives", count=len(digest.objectives)), size="Medium"
            ),
        )
        shown = digest.objectives[:limit]
        section = [heading_]
        section += [
            self._get(("objective", i), partial(_objective, lang, line, self._names))
            for i, line in enumerate(shown)
        ]
        rest = len(digest.objectives) - len(shown)
        if rest:
            section.append(self._more(rest, "digest.more_objectives"))
        return section

    def _since_last(self, limits: _Limits) -> list[_Piece]:
        lang, digest, names = self._lang, self._digest, self._names
        section: list[_Piece] = []
        if digest.change is not None and (digest.movers_up or digest.movers_down):
            moves = [
                *(("up", i, kr) for i, kr in enumerate(digest.movers_up[: limits.movers])),
                *(("down", i, kr) for i, kr in enumerate(digest.movers_down[: limits.movers])),
            ]
            if moves:
                section.append(self._heading("digest.movers"))
                section += [
                    self._get(("mover", way, i), partial(_mover, lang, kr, names))
                    for way, i, kr in moves
                ]
        if digest.stale:
            shown = digest.stale[: limits.stale]
            section.append(self._heading("digest.stale"))
            section += [
                self._get(("stale", i), partial(_stale, lang, kr, names))
                for i, kr in enumerate(shown)
            ]
            if len(digest.stale) > len(shown):
                section.append(
                    self._more(len(digest.stale) - len(shown), "digest.more_key_results")
                )
        section.append(self._heading("digest.at_risk"))
        if not digest.at_risk:
            section.append(
                self._get(
                    ("nothing_at_risk",), lambda: paragraph(text(lang, "digest.nothing_at_risk"))
                )
            )
        shown_risks = digest.at_risk[: limits.at_risk]
        note = limits.note
        section += [
            self._get(
                ("risk", i, note),
                partial(_risk, lang, kr, names, note),
                names.tagged(kr.owner_id),
            )
            for i, kr in enumerate(shown_risks)
        ]
        if len(digest.at_risk) > len(shown_risks):
            section.append(
                self._more(len(digest.at_risk) - len(shown_risks), "digest.more_key_results")
            )
        return section

    def _heading(self, key: str) -> _Piece:
        return self._get(("heading", key), lambda: heading(text(self._lang, key), size="Medium"))

    def _kpis(self, limit: int) -> list[_Piece]:
        """The unhealthy KPIs; in one's own digest always, with "Add a KPI" beside the heading."""
        lang, digest = self._lang, self._digest
        if not self._personal and not digest.kpis:
            return []
        section = list(self._kpis_heading)
        shown = digest.kpis[:limit]
        section += [
            self._get(("kpi", i), partial(_kpi, lang, entry, self._kpi_edits))
            for i, entry in enumerate(shown)
        ]
        if len(digest.kpis) > len(shown):
            rest = len(digest.kpis) - len(shown)
            section.append(
                self._get(
                    ("more_kpis", rest),
                    lambda: paragraph(text(lang, "digest.more_kpis", count=rest)),
                )
            )
        return section


def _mentioned(body: list[_Piece]) -> list[str]:
    """The members the pieces tag, once each, in the order the card tags them."""
    return list(dict.fromkeys(p.mention for p in body if p.mention is not None))


class _Names:
    """Who is who: display names, and the mentions of the people the card tags."""

    def __init__(self, members: Mapping[str, Member], *, mention: bool) -> None:
        self._members = members
        self._mention = mention

    def name(self, member_id: str | None) -> str:
        member = self._members.get(member_id or "")
        if member is None:
            return "—"
        return member.name or member.email or member.id

    def _shown(self, member_id: str | None) -> str:
        return _NOT_IN_MENTION.sub(" ", self.name(member_id)).strip()

    def tagged(self, member_id: str | None) -> str | None:
        """The member's id if :meth:`mention` tags them, else None."""
        member = self._members.get(member_id or "")
        if not self._mention or member is None or not self._shown(member_id):
            return None
        return member.id

    def mention(self, member_id: str | None) -> Markdown:
        """``<at>Name</at>`` (its entity: :meth:`entity`); the plain name where it cannot be."""
        if self.tagged(member_id) is None:
            return Markdown(join([self.name(member_id)]))
        return Markdown(f"<at>{self._shown(member_id)}</at>")

    def entity(self, member_id: str) -> Mention | None:
        """The ``mention`` entity Teams needs for the member's ``<at>`` text, if tagged."""
        tagged = self.tagged(member_id)
        if tagged is None:
            return None
        shown = self._shown(member_id)
        return Mention(text=f"<at>{shown}</at>", mentioned=MentionedEntity(id=tagged, name=shown))


def _header(lang: Language, digest: TeamDigest, *, personal: bool) -> list[Element]:
    title = text(lang, "digest.personal_title") if personal else digest.team_name
    week = text(
        lang,
        "digest.week",
        week=str(digest.week),
        weeks=str(digest.weeks),
        period=format_period(digest.period, lang),
    )
    return [
        heading(title or text(lang, "digest.title")),
        paragraph(week, isSubtle=True, spacing="None"),
    ]


def _overall(lang: Language, digest: TeamDigest, *, personal: bool) -> list[Element]:
    if not digest.objectives:
        key = "digest.personal_empty" if personal else "digest.empty"
        return [paragraph(text(lang, key))]
    # A person's own digest keeps no snapshots: it has nothing to compare with.
    change: list[Element] = []
    if not personal:
        said = (
            text(lang, "digest.first")
            if digest.change is None
            else text(lang, "digest.change", points=format_points(digest.change, lang))
        )
        change = [paragraph(said, isSubtle=True, spacing="Small")]
    if digest.overall is None:
        return [paragraph(text(lang, "digest.no_key_results")), *change]
    overall = float(digest.overall)
    expected = None if digest.expected is None else float(digest.expected)
    plan = (
        text(lang, "digest.plan", expected=format_progress(expected, lang))
        if expected is not None
        else ""
    )
    summary = text(lang, "digest.overall_line", progress=progress_text(overall, lang))
    chart = gauge(
        overall * 100,
        _pace_segments(lang, expected),
        sub_label=plan or text(lang, "digest.overall_label"),
        fallback=[join([summary, plan]) if plan else summary],
        title=text(lang, "digest.overall_label"),
    )
    return [chart, *change]


def _pace_segments(lang: Language, expected: float | None) -> list[Slice]:
    """The gauge's scale coloured by pace: far behind, behind, then on the expected line."""
    if expected is None:
        return [Slice(text(lang, "digest.overall_label"), 100, "neutral")]
    line_at = expected * 100
    far = max(0.0, line_at - float(DEFAULT_THRESHOLDS.at_risk_gap) * 100)
    return [
        Slice(label(lang, PaceStatus.AT_RISK), far, "attention"),
        Slice(label(lang, PaceStatus.BEHIND), line_at - far, "warning"),
        Slice(label(lang, PaceStatus.ON_TRACK), 100 - line_at, "good"),
    ]


def _participation(lang: Language, digest: TeamDigest, names: _Names) -> list[Element]:
    taking = digest.participation
    if taking.round_date is None:
        return [paragraph(text(lang, "digest.no_round"), isSubtle=True)]
    if taking.asked == 0:
        return [paragraph(text(lang, "digest.nobody_asked"), isSubtle=True)]
    count = text(
        lang,
        "summary.count",
        done=str(taking.checked_in),
        total=str(taking.asked),
    )
    section = [
        heading(text(lang, "digest.participation"), size="Medium"),
        paragraph(
            join(
                [
                    bold(count),
                    text(lang, "summary.round", round=format_date(taking.round_date, lang)),
                ]
            ),
            spacing="None",
        ),
    ]
    if taking.missing_ids:
        shown = [names.name(i) for i in taking.missing_ids[:MOST_MISSING_NAMES]]
        rest = len(taking.missing_ids) - len(shown)
        if rest:
            shown.append(text(lang, "digest.more_people", count=rest))
        section.append(
            paragraph(
                text(lang, "digest.not_yet", names=format_list(shown, lang)),
                isSubtle=True,
                spacing="None",
            )
        )
    return section


def _mix(lang: Language, digest: TeamDigest) -> list[Element]:
    mix = digest.mix
    if mix.total == 0:
        return []
    slices = [
        Slice(label(lang, CheckInStatus.ON_TRACK), mix.on_track, "good"),
        Slice(label(lang, CheckInStatus.AT_RISK), mix.at_risk, "warning"),
        Slice(label(lang, CheckInStatus.OFF_TRACK), mix.off_track, "attention"),
        Slice(text(lang, "digest.not_updated"), mix.not_updated, "neutral"),
    ]
    counts = join([f"{s.legend}: {int(s.value)}" for s in slices])
    return [
        heading(text(lang, "digest.mix", count=mix.total), size="Medium"),
        donut(slices, fallback=[counts]),
    ]


def _objective(lang: Language, line: ObjectiveLine, names: _Names) -> Element:
    facts = [
        "—" if line.progress is None else format_progress(line.progress, lang),
        *(
            []
            if line.expected is None
            else [text(lang, "pace.expected", expected=format_progress(line.expected, lang))]
        ),
        *([] if line.change is None else [format_points(line.change, lang)]),
        names.name(line.owner_id),
    ]
    # Pace, then the owners' status: the badges `team okrs` and the objective card show.
    badge: list[Element] = []
    if line.pace is not None:
        badge.append(pace_badge(lang, line.pace))
    if line.status is not None:
        badge.append(status_badge(lang, line.status))
    items: list[Element] = [
        beside(
            [
                paragraph(bold(line.title)),
                paragraph(join(facts), isSubtle=True, spacing="None", size="Small"),
            ],
            badge,
        )
    ]
    if line.progress is not None:
        items.append(progress_element(lang, float(line.progress), line.status))
    return {"type": "Container", "spacing": "Medium", "separator": True, "items": items}


def _stale(lang: Language, kr: KeyResultLine, names: _Names) -> Element:
    return paragraph(
        join(
            [
                bold(kr.title),
                names.name(kr.owner_id),
                text(lang, "digest.rounds_missed", count=kr.rounds_missed),
            ]
        ),
        spacing="Small",
    )


def _mover(lang: Language, kr: KeyResultLine, names: _Names) -> Element:
    arrow = "▲" if (kr.change or 0) > 0 else "▼"
    change = "" if kr.change is None else format_points(kr.change, lang)
    return paragraph(
        join(
            [
                Markdown(f"{arrow} {join([change])}"),
                bold(kr.title),
                format_progress(kr.progress, lang),
                names.name(kr.owner_id),
            ]
        ),
        spacing="Small",
    )


def _risk(lang: Language, kr: KeyResultLine, names: _Names, note_length: int) -> Element:
    details: list[Element] = [
        paragraph(bold(kr.title)),
        paragraph(
            join([names.mention(kr.owner_id), format_progress(kr.progress, lang)]),
            spacing="None",
            size="Small",
        ),
    ]
    if kr.note and note_length:
        note = kr.note if len(kr.note) <= note_length else kr.note[: note_length - 1] + "…"
        details.append(paragraph(italic(f"“{note}”"), isSubtle=True, spacing="None", size="Small"))
    badge = [status_badge(lang, kr.status)] if kr.status is not None else []
    return beside(details, badge, spacing="Small")


def _kpis_heading(lang: Language, digest: TeamDigest, *, personal: bool) -> list[Element]:
    """The KPIs' heading; in one's own digest with "Add a KPI" beside it, and a word
    when none is unhealthy (one's own digest shows the section always)."""
    title = heading(text(lang, "digest.kpis_unhealthy"), size="Medium")
    if not personal:
        return [title]
    section = [with_action(title, execute(text(lang, "action.add_kpi"), verbs.KPI_NEW, {}))]
    if not digest.kpis:
        section.append(paragraph(text(lang, "digest.kpis_fine"), isSubtle=True))
    return section


def _kpi(lang: Language, entry: KpiLine, kpi_edits: Collection[str]) -> Element:
    said = paragraph(
        join(
            [
                join(["✗", bold(entry.kpi.title)], " "),
                kpi_value(lang, entry.kpi),
                label(lang, entry.health),
            ]
        ),
        spacing="Small",
    )
    if entry.kpi.id in kpi_edits:
        update = execute(text(lang, "action.update"), verbs.KPI_EDIT, {"kpi_id": entry.kpi.id})
        said = with_action(said, update)
    return said


def _trend(lang: Language, digest: TeamDigest) -> list[Element]:
    """Overall progress and the plan line per digest, by week of the period."""
    points = [p for p in digest.trend if p.overall is not None][-MOST_TREND_POINTS:]
    if len(points) < 2:
        return []
    overall_name = text(lang, "digest.overall_label")
    plan_name = text(lang, "digest.plan_label")
    weeks = [
        text(lang, "digest.week_short", week=str((p.day - digest.period.start).days // 7 + 1))
        for p in points
    ]
    overall = [(week, float(p.overall or 0) * 100) for week, p in zip(weeks, points, strict=True)]
    plan = [
        (week, float(p.expected) * 100)
        for week, p in zip(weeks, points, strict=True)
        if p.expected is not None
    ]
    series = [Series(overall_name, overall, "categoricalBlue")]
    if plan:
        series.append(Series(plan_name, plan, "neutral"))
    shown = [
        f"{week} {format_progress(p.overall or 0, lang)}"
        + ("" if p.expected is None else f" ({format_progress(p.expected, lang)})")
        for week, p in zip(weeks, points, strict=True)
    ]
    fallback = text(
        lang, "digest.trend_points", overall=overall_name, plan=plan_name, points=join(shown)
    )
    return [
        heading(text(lang, "digest.trend"), size="Medium"),
        line(series, fallback=[fallback], y_max=100),
    ]


def _more(lang: Language, count: int, key: str, command: str) -> Element:
    """ "…and 180 more", with a button that runs ``command`` (``team_okrs``) to see them all."""
    see_all = execute(
        text(lang, "digest.see_all"),
        verbs.COMMAND_RUN,
        {"command": command},
        associatedInputs="none",
    )
    return beside(
        [paragraph(text(lang, key, count=count), isSubtle=True)],
        [{"type": "ActionSet", "actions": [see_all]}],
        spacing="Small",
    )


def _actions(lang: Language, digest: TeamDigest, *, personal: bool) -> list[Element]:
    """Check in now (the presser's own card, privately), then the team's OKRs in a channel,
    or the authoring buttons in one's own digest (which is already one's OKRs)."""
    # The channel's card names its team: a press from outside it is refused.
    team = {} if personal else {"team_id": digest.team_id}
    checkin = execute(text(lang, "digest.checkin_now"), verbs.CHECKIN_NOW, team, style="positive")
    if personal:
        return [
            checkin,
            execute(text(lang, "action.new_objective"), verbs.OBJECTIVE_NEW, {}),
        ]
    team_okrs = execute(
        text(lang, "digest.team_okrs"),
        verbs.COMMAND_RUN,
        {"command": "team_okrs"},
        associatedInputs="none",
    )
    return [checkin, team_okrs]
