"""The close of a period: scores, a closing note, carry-over, reopening, and health warnings.

Closing an objective records a score per key result and for the objective
(0.0-1.0 in steps of 0.1, :mod:`okr.scoring`), what the team learned, and who
closed it when; the objective becomes ``CLOSED`` and read-only, and its owners
are no longer asked for check-ins.

Decisions kept here so every caller agrees:

* **Who.** Closing and carrying over follow :func:`okr.permissions.may_change`
  on the objective (its owner, the owners of its own team); a key result's
  owner alone may not close its objective. Reopening is for the owners of the
  objective's own team only (:func:`may_reopen`).
* **What may be closed.** Active objectives. Drafts never ran, so there is
  nothing to score; a closed one is closed once (a replayed card stores nothing).
* **Scores.** Each key result's score is given (the card pre-selects the
  suggested one, :func:`suggested_scores`); the objective's is the one given,
  else the suggested one (:func:`okr.scoring.suggested_objective_score`).
* **Reopening** puts the objective back to ``ACTIVE`` and records who and when.
  Scores, note and the last close (``closed_at``/``closed_by``) are **kept**: they
  are the record of what was decided, the next close overwrites them, and the
  closing card offers the kept scores again instead of new suggestions.
* **Carry over** copies the objective into the next period of the same kind
  (:func:`next_period`) as a ``DRAFT`` owned by the same person, with the chosen
  unfinished key results, each starting where it ended. Ids are derived from the
  source ids (:func:`carried_id`), so a replayed card creates the copy once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from okr.guidance import MAX_KEY_RESULTS
from okr.models import KeyResult, Member, Objective, ObjectiveState, ObjectiveType, Team
from okr.periods import Period, PeriodKind, fiscal_quarter_of, quarter_of
from okr.permissions import is_team_owner, may_change
from okr.progress import key_result_progress
from okr.scoring import (
    COMMITTED_SUCCESS,
    suggested_objective_score,
    suggested_score,
    validate_score,
)

MAX_NOTE = 2000
"""The longest closing note kept (characters)."""

ASPIRATIONAL_TOO_EASY = Decimal("0.8")
"""An aspirational objective scored above this was not a stretch: aim higher next time."""


class ClosingError(ValueError):
    """A close, reopen or carry-over that cannot be done; ``problem`` says why."""

    def __init__(self, problem: ClosingProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem


class ClosingProblem(StrEnum):
    """Why a close, reopen or carry-over was refused; cards translate these values."""

    NOT_ACTIVE = "not_active"  # a draft, or closed already
    NOT_CLOSED = "not_closed"  # reopening an objective that is not closed
    KEY_RESULTS_DIFFER = "key_results_differ"  # scores for other key results than its own
    NOT_UNFINISHED = "not_unfinished"  # carrying over a finished (or foreign) key result
    NO_SCORE = "no_score"  # no score given and none to suggest (no key results)


class ClosingWarningCode(StrEnum):
    """Health warnings at close, as Viva Goals showed them; cards translate these values."""

    AIM_HIGHER = "aim_higher"  # aspirational, scored above 0.8
    WHAT_BLOCKED = "what_blocked"  # committed, scored below 1.0
    TOO_MANY_KEY_RESULTS = "too_many_key_results"  # more than 5
    NEVER_CHECKED_IN = "never_checked_in"  # a key result nobody ever checked in


@dataclass(frozen=True, slots=True)
class ClosingWarning:
    """One health warning about a close.

    Attributes:
        code: What it is about.
        key_result_id: The key result, for :attr:`ClosingWarningCode.NEVER_CHECKED_IN`.
        count: The number of key results, for ``TOO_MANY_KEY_RESULTS``.
    """

    code: ClosingWarningCode
    key_result_id: str | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Closing:
    """What one objective is closed with, as the person chose it.

    Attributes:
        key_result_scores: A score for each of the objective's key results, by id.
        score: The objective's score; None for the suggested one.
        note: What was learned (the closing note).
        carry_over: Ids of unfinished key results to carry into the next period.
    """

    key_result_scores: Mapping[str, Decimal]
    score: Decimal | None = None
    note: str = ""
    carry_over: Set[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Closed:
    """What a close stores: the objective, its key results, and the carried-over copy."""

    objective: Objective
    key_results: tuple[KeyResult, ...]
    carried: tuple[Objective, tuple[KeyResult, ...]] | None = None


def is_unfinished(key_result: KeyResult) -> bool:
    """Whether ``key_result`` has not reached its target (what may be carried over)."""
    return key_result_progress(key_result).clamped < 1


def suggested_scores(key_results: Iterable[KeyResult]) -> dict[str, Decimal]:
    """Each key result's score to offer: the one kept from an earlier close, else from progress."""
    return {
        kr.id: kr.score
        if kr.score is not None
        else suggested_score(key_result_progress(kr).clamped)
        for kr in key_results
    }


def offered_objective_score(
    objective: Objective, key_results: Sequence[KeyResult]
) -> Decimal | None:
    """The objective's score to offer: kept from an earlier close, else the suggested one."""
    return (
        objective.score if objective.score is not None else suggested_objective_score(key_results)
    )


def may_close(person: Member, objective: Objective, team: Team | None) -> bool:
    """Whether ``person`` may close (and carry over) ``objective``: as :func:`may_change`.

    ``team`` is the objective's own team as stored (checked by ``may_change``).
    """
    return may_change(person, objective, team)


def may_reopen(person: Member, objective: Objective, team: Team | None) -> bool:
    """Whether ``person`` may reopen ``objective``: an owner of the objective's own team."""
    if team is None or team.id != objective.team_id or team.tenant_id != objective.tenant_id:
        return False
    return person.tenant_id == objective.tenant_id and is_team_owner(person.id, team)


def close_objective(
    objective: Objective,
    key_results: Sequence[KeyResult],
    closing: Closing,
    *,
    by: str,
    at: datetime,
) -> Closed:
    """Close ``objective`` with ``closing``; the records to store (nothing is stored here).

    Args:
        objective: The objective as stored (``ACTIVE``).
        key_results: All of its key results, as stored.
        closing: The scores, note and carry-over chosen.
        by: The member id of who closes it.
        at: When (aware).

    Raises:
        ClosingError: The objective is not active, the scores name other key
            results than its own, a carried key result is finished or not its
            own, or there is no score to give it.
        okr.scoring.ScoreError: A score is outside 0.0..1.0 or finer than 0.1.
    """
    if objective.state is not ObjectiveState.ACTIVE:
        raise ClosingError(ClosingProblem.NOT_ACTIVE, objective.id)
    own = {kr.id: kr for kr in key_results if kr.objective_id == objective.id}
    if set(closing.key_result_scores) != set(own) or len(own) != len(key_results):
        raise ClosingError(ClosingProblem.KEY_RESULTS_DIFFER, objective.id)
    scored = tuple(
        replace(kr, score=validate_score(closing.key_result_scores[kr.id])) for kr in key_results
    )
    score = (
        validate_score(closing.score)
        if closing.score is not None
        else suggested_objective_score(key_results)
    )
    if score is None:
        raise ClosingError(ClosingProblem.NO_SCORE, objective.id)
    closed = replace(
        objective,
        state=ObjectiveState.CLOSED,
        score=score,
        closing_note=closing.note.strip()[:MAX_NOTE],
        closed_at=at,
        closed_by=by,
        updated_at=at,
    )
    carried = None
    if closing.carry_over:
        carried = carry_over(objective, key_results, closing.carry_over, at=at)
    return Closed(closed, scored, carried)


def reopen_objective(objective: Objective, *, by: str, at: datetime) -> Objective:
    """``objective`` active again, its reopening recorded (scores and note kept).

    Raises:
        ClosingError: It is not closed.
    """
    if objective.state is not ObjectiveState.CLOSED:
        raise ClosingError(ClosingProblem.NOT_CLOSED, objective.id)
    return replace(
        objective, state=ObjectiveState.ACTIVE, reopened_at=at, reopened_by=by, updated_at=at
    )


def next_period(period: Period) -> Period:
    """The period after ``period``, of the same kind.

    A quarter is followed by the next quarter, a (fiscal) year by the next one,
    and custom days by as many days starting the day after.
    """
    after = period.end + timedelta(days=1)
    match period.kind:
        case PeriodKind.QUARTER:
            return quarter_of(after)
        case PeriodKind.FISCAL_QUARTER:
            return fiscal_quarter_of(after, period.fiscal_year_start_month)
        case PeriodKind.YEAR:
            return Period.calendar_year(after.year)
        case PeriodKind.FISCAL_YEAR:
            return Period.fiscal_year(period.end.year + 1, period.fiscal_year_start_month)
        case PeriodKind.CUSTOM:
            return Period.custom(after, after + timedelta(days=period.days - 1))


def carried_id(source_id: str) -> str:
    """The id of the carried-over copy of ``source_id`` (an objective's or a key result's).

    Derived, not drawn: the same close replayed names the same copy, so it is
    created once. 32 hex characters, like :func:`storage.ids.new_id`.
    """
    return hashlib.sha256(f"carried|{source_id}".encode()).hexdigest()[:32]


def carry_over(
    objective: Objective, key_results: Sequence[KeyResult], chosen: Set[str], *, at: datetime
) -> tuple[Objective, tuple[KeyResult, ...]]:
    """The draft copy of ``objective`` in the next period, with the ``chosen`` key results.

    Each carried key result starts where it ended (its current value) and keeps
    its target, owner and kind; its due date is dropped (it lay in the old period).
    The copy is not aligned to a parent: the old parent belongs to the old period.

    Raises:
        ClosingError: A chosen key result is not one of the objective's unfinished ones.
    """
    unfinished = {
        kr.id: kr for kr in key_results if kr.objective_id == objective.id and is_unfinished(kr)
    }
    if not chosen or not set(chosen) <= set(unfinished):
        raise ClosingError(ClosingProblem.NOT_UNFINISHED, objective.id)
    copy = Objective(
        tenant_id=objective.tenant_id,
        id=carried_id(objective.id),
        title=objective.title,
        owner_id=objective.owner_id,
        period=next_period(objective.period),
        level=objective.level,
        type=objective.type,
        state=ObjectiveState.DRAFT,
        team_id=objective.team_id,
        description=objective.description,
        carried_from=objective.id,
        created_at=at,
        updated_at=at,
    )
    carried = tuple(
        KeyResult(
            tenant_id=kr.tenant_id,
            id=carried_id(kr.id),
            objective_id=copy.id,
            title=kr.title,
            owner_id=kr.owner_id,
            kind=kr.kind,
            start=kr.current,
            target=kr.target,
            current=kr.current,
            unit=kr.unit,
            currency=kr.currency,
            weight=kr.weight,
            created_at=at,
        )
        for kr in key_results
        if kr.id in chosen
    )
    return copy, carried


def closing_warnings(
    objective: Objective, key_results: Sequence[KeyResult], score: Decimal | None
) -> list[ClosingWarning]:
    """The health warnings of closing ``objective`` at ``score`` (None: not scored yet).

    In order: the score's (aim higher, or what blocked it), too many key
    results, then each key result never checked in.
    """
    warnings: list[ClosingWarning] = []
    if score is not None:
        if objective.type is ObjectiveType.ASPIRATIONAL and score > ASPIRATIONAL_TOO_EASY:
            warnings.append(ClosingWarning(ClosingWarningCode.AIM_HIGHER))
        elif objective.type is ObjectiveType.COMMITTED and score < COMMITTED_SUCCESS:
            warnings.append(ClosingWarning(ClosingWarningCode.WHAT_BLOCKED))
    if len(key_results) > MAX_KEY_RESULTS:
        warnings.append(
            ClosingWarning(ClosingWarningCode.TOO_MANY_KEY_RESULTS, count=len(key_results))
        )
    warnings.extend(
        ClosingWarning(ClosingWarningCode.NEVER_CHECKED_IN, key_result_id=kr.id)
        for kr in key_results
        if kr.last_checkin_at is None
    )
    return warnings
