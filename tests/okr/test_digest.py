"""The digest's numbers, from a known history (``tests/okr/digest_history.py``):
every figure asserted exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.cadence import round_id
from okr.digest import (
    MOVERS,
    KpiLine,
    Mix,
    NoActiveObjectivesError,
    Participation,
    TeamDigest,
    build_digest,
    participation_round_id,
    reported_period,
    week_of,
)
from okr.kpi import KpiHealth
from okr.models import (
    Comparison,
    DigestSnapshot,
    KeyResult,
    KeyResultMark,
    Kpi,
    Member,
    Objective,
    ObjectiveMark,
    ObjectiveState,
    Team,
    TrendPoint,
)
from okr.pace import PaceStatus
from okr.periods import Period
from tests.okr.digest_history import (
    EXPECTED_FEB_20,
    EXPECTED_FEB_27,
    FEB_20,
    FEB_27,
    NOW,
    O1,
    O2,
    O3,
    OBJECTIVES,
    OFF,
    ON,
    Q1,
    RISK,
    TEAM,
    TENANT,
    TODAY,
    WEEK_BEFORE,
    A,
    B,
    C,
    D,
    at,
    key_result,
    objective,
    today,
    week_before,
)


def ids(lines: Sequence[object]) -> list[str]:
    return [line.id for line in lines]  # type: ignore[attr-defined]


# -- the known history ------------------------------------------------------


def test_the_header_reports_week_9_of_13_of_q1() -> None:
    digest = today()
    assert (digest.team_id, digest.team_name) == (TEAM.id, "Platform")
    assert digest.period == Q1
    assert (digest.week, digest.weeks) == (9, 13)


def test_overall_is_the_weighted_progress_of_every_key_result_of_the_period() -> None:
    digest = today()
    # (0.6 + 0.2 + 0.5 + 0.2 + 1 + 0 + 0.8 + 0.3) / 8
    assert digest.overall == Decimal("0.45")
    assert digest.expected == EXPECTED_FEB_27
    # A week before: (0.4 + 0.3 + 0.5 + 0.25 + 0 + 0 + 0.6 + 0.3) / 8 = 0.29375
    assert week_before().overall == Decimal("0.29375")
    assert week_before().expected == EXPECTED_FEB_20
    assert digest.change == Decimal("0.15625")


def test_each_objective_has_its_progress_status_and_change_ranked_at_risk_first() -> None:
    digest = today()
    # Off track first (o2), then at risk by the size of the change: o3 (+10) before o1 (+3.3).
    assert ids(digest.objectives) == ["o2", "o3", "o1"]
    o2, o3, o1 = digest.objectives
    assert (o2.progress, o2.status, o2.change) == (
        Decimal("0.4"),
        OFF,
        Decimal("0.4") - Decimal("0.25") / 3,
    )
    assert (o3.progress, o3.status, o3.change) == (Decimal("0.55"), RISK, Decimal("0.10"))
    assert (o1.progress, o1.status, o1.change) == (
        Decimal("1.3") / 3,
        RISK,
        Decimal("1.3") / 3 - Decimal("0.4"),
    )
    assert [o.key_results for o in digest.objectives] == [3, 2, 3]
    assert [o.owner_id for o in digest.objectives] == [B, C, A]
    assert {o.expected for o in digest.objectives} == {EXPECTED_FEB_27}
    # 0.4 and 0.43 are within 25 points of 0.64, 0.55 too: behind, not at risk.
    assert [o.pace for o in digest.objectives] == [PaceStatus.BEHIND] * 3


def test_movers_are_the_biggest_changes_up_and_down_largest_first_ties_by_title() -> None:
    digest = today()
    # k5 +100; k1 "Bookings" and k7 "Services moved" +20 each: by title.
    assert [(m.id, m.change) for m in digest.movers_up] == [
        ("k5", Decimal(1)),
        ("k1", Decimal("0.2")),
        ("k7", Decimal("0.2")),
    ]
    assert [(m.id, m.change) for m in digest.movers_down] == [
        ("k2", Decimal("-0.1")),
        ("k4", Decimal("-0.05")),
    ]


def test_stale_key_results_missed_two_rounds_or_more_oldest_first() -> None:
    digest = today()
    # k6 never checked in: every round since Q1 began (5 Jan ... 23 Feb: 8).
    # k3 last on 10 Feb: the rounds of 16 and 23 Feb. k4 (17 Feb) missed one only.
    assert [(s.id, s.rounds_missed) for s in digest.stale] == [("k6", 8), ("k3", 2)]
    assert digest.stale[1].last_checkin_at == at(10)
    assert digest.stale[0].last_checkin_at is None


def test_at_risk_lists_off_track_first_then_lowest_progress_with_the_note() -> None:
    digest = today()
    assert [(r.id, r.status, r.progress, r.note, r.owner_id) for r in digest.at_risk] == [
        ("k4", OFF, Decimal("0.2"), "Churn spike", B),
        ("k2", RISK, Decimal("0.2"), "Late", A),
        ("k8", RISK, Decimal("0.3"), "", D),
    ]


def test_participation_counts_those_asked_who_checked_in_everything() -> None:
    digest = today()
    assert digest.participation == Participation(
        round_date=date(2026, 2, 23), asked=3, checked_in=2, missing_ids=(B,)
    )
    assert participation_round_id(TEAM, NOW) == round_id(TEAM.id, date(2026, 2, 23))


def test_the_mix_counts_statuses_of_this_round_and_the_rest_as_not_updated() -> None:
    # k3, k4 (off track on 17 Feb, not since) and k6 are not updated this round.
    assert today().mix == Mix(on_track=3, at_risk=2, off_track=0, not_updated=3)


def test_the_trend_carries_the_periods_points_forward() -> None:
    assert today().trend == (
        TrendPoint(date(2026, 2, 13), Decimal("0.25"), Decimal("0.5")),
        TrendPoint(FEB_20, Decimal("0.29375"), EXPECTED_FEB_20),
        TrendPoint(FEB_27, Decimal("0.45"), EXPECTED_FEB_27),
    )


def test_the_snapshot_marks_every_objective_and_key_result_shown() -> None:
    digest = today()
    snapshot = digest.snapshot
    assert (snapshot.id, snapshot.tenant_id, snapshot.team_id) == (
        f"{TEAM.id}|2026-02-27",
        TENANT,
        TEAM.id,
    )
    assert (snapshot.slot, snapshot.taken_at, snapshot.period_label) == (FEB_27, NOW, "2026-Q1")
    assert (snapshot.overall, snapshot.expected) == (Decimal("0.45"), EXPECTED_FEB_27)
    assert snapshot.objectives == (
        ObjectiveMark("o2", Decimal("0.4"), OFF),
        ObjectiveMark("o3", Decimal("0.55"), RISK),
        ObjectiveMark("o1", Decimal("1.3") / 3, RISK),
    )
    assert snapshot.key_results[:3] == (
        KeyResultMark("k1", "o1", Decimal("0.6"), ON, at(24)),
        KeyResultMark("k2", "o1", Decimal("0.2"), RISK, at(24)),
        KeyResultMark("k3", "o1", Decimal("0.5"), ON, at(10)),
    )
    assert [m.id for m in snapshot.key_results] == [f"k{n}" for n in range(1, 9)]
    assert snapshot.key_results[5] == KeyResultMark("k6", "o2", Decimal(0), None, None)
    assert snapshot.trend == digest.trend


def test_only_unhealthy_kpis_are_reported() -> None:
    def kpi(id: str, current: str | None) -> Kpi:
        return Kpi(
            tenant_id=TENANT,
            id=id,
            title=id,
            threshold=Decimal("99.5"),
            comparison=Comparison.AT_LEAST,
            current=None if current is None else Decimal(current),
            team_id=TEAM.id,
        )

    kpis = [kpi("uptime", "99.1"), kpi("latency", "99.9"), kpi("new", None), kpi("api", "98")]
    assert today(kpis=kpis).kpis == (
        KpiLine(kpis[0], KpiHealth.UNHEALTHY),
        KpiLine(kpis[3], KpiHealth.UNHEALTHY),
    )


# -- edge cases -------------------------------------------------------------


def _first_digest(previous: DigestSnapshot | None) -> TeamDigest:
    return build_digest(
        TEAM, OBJECTIVES, TODAY, now=NOW, slot=FEB_27, previous=previous, asked=set()
    )


def _assert_no_change(digest: TeamDigest) -> None:
    assert digest.overall == Decimal("0.45")
    assert digest.change is None
    assert {o.change for o in digest.objectives} == {None}
    assert (digest.movers_up, digest.movers_down) == ((), ())
    assert digest.trend == (TrendPoint(FEB_27, Decimal("0.45"), EXPECTED_FEB_27),)
    # The ranking falls back to status, then title.
    assert ids(digest.objectives) == ["o2", "o1", "o3"]


def test_the_first_digest_has_no_change_and_one_trend_point() -> None:
    digest = _first_digest(None)
    _assert_no_change(digest)
    assert digest.participation == Participation(date(2026, 2, 23), 0, 0, ())


def test_a_snapshot_of_another_period_is_not_last_week() -> None:
    q4 = dataclasses.replace(
        week_before().snapshot, period_label="2025-Q4", slot=date(2025, 12, 26)
    )
    _assert_no_change(_first_digest(q4))


def test_a_digest_posted_again_replaces_its_own_trend_point() -> None:
    first = today()
    again = build_digest(
        TEAM,
        OBJECTIVES,
        [dataclasses.replace(TODAY[0], current=Decimal(100)), *TODAY[1:]],
        now=NOW + timedelta(hours=1),
        slot=FEB_27,
        previous=first.snapshot,
        asked={A, B, C},
    )
    assert [p.day for p in again.trend] == [date(2026, 2, 13), FEB_20, FEB_27]
    assert again.trend[-1].overall == Decimal("0.5")  # k1 now at 1: (3.6 + 0.4) / 8
    assert again.change == Decimal("0.05")
    assert [(m.id, m.change) for m in again.movers_up] == [("k1", Decimal("0.4"))]


def test_new_key_results_and_objectives_have_no_change() -> None:
    added_objective = objective("o4", "Hire", A)
    added = key_result("k9", "o4", "Engineers hired", A, 50, status=ON, checked=at(24))
    digest = today(objectives=(*OBJECTIVES, added_objective), key_results=(*TODAY, added))
    line = next(o for o in digest.objectives if o.id == "o4")
    assert (line.progress, line.change) == (Decimal("0.5"), None)
    assert all(m.id != "k9" for m in digest.movers_up)
    # (3.6 + 0.5) / 9, against 0.29375 a week before
    assert digest.overall == Decimal("4.1") / 9
    assert digest.change == Decimal("4.1") / 9 - Decimal("0.29375")


def test_only_the_period_most_objectives_share_is_reported() -> None:
    year = objective("y1", "Year goal", A, period=Period.calendar_year(2026))
    year_kr = key_result("ky", "y1", "Year KR", A, 100, status=OFF, checked=at(24))
    draft = objective("d1", "Draft", A, state=ObjectiveState.DRAFT)
    draft_kr = key_result("kd", "d1", "Draft KR", A, 0)
    digest = today(objectives=(*OBJECTIVES, year, draft), key_results=(*TODAY, year_kr, draft_kr))
    assert digest.period == Q1
    assert ids(digest.objectives) == ["o2", "o3", "o1"]
    assert digest.overall == Decimal("0.45")
    assert digest.mix.total == 8
    assert all(r.id != "ky" for r in digest.at_risk)


def test_a_tie_between_periods_goes_to_the_shortest_then_the_earliest() -> None:
    def custom(first: date, last: date) -> Objective:
        return objective("c", "Custom", A, period=Period.custom(first, last))

    year = objective("y1", "Year goal", A, period=Period.calendar_year(2026))
    feb_mar = custom(date(2026, 2, 1), date(2026, 3, 31))  # 59 days
    feb_2_mar = custom(date(2026, 2, 2), date(2026, 3, 31))  # 58 days
    feb_2_apr = custom(date(2026, 2, 2), date(2026, 4, 1))  # 59 days, a day later
    day = date(2026, 2, 27)
    assert reported_period([O1, year], day) == Q1
    assert reported_period([year, year, O1], day) == year.period  # most objectives
    assert reported_period([year, O1, O2], day) == Q1
    assert reported_period([year, feb_mar], day) == feb_mar.period
    assert reported_period([feb_mar, feb_2_mar], day) == feb_2_mar.period
    assert reported_period([feb_2_apr, feb_mar], day) == feb_mar.period
    assert reported_period([year], date(2027, 1, 1)) is None


def test_an_objective_without_key_results_is_listed_and_leaves_overall_alone() -> None:
    empty = objective("o0", "Empty", A)
    digest = today(objectives=(*OBJECTIVES, empty))
    line = next(o for o in digest.objectives if o.id == "o0")
    assert (line.progress, line.pace, line.status, line.change, line.key_results) == (
        None,
        None,
        None,
        None,
        0,
    )
    assert ids(digest.objectives)[-1] == "o0"  # nothing at risk, no change, title "Empty"
    assert digest.overall == Decimal("0.45")

    alone = build_digest(TEAM, [empty], [], now=NOW, slot=FEB_27, previous=None, asked=set())
    assert (alone.overall, alone.change) == (None, None)
    assert alone.snapshot.objectives == (ObjectiveMark("o0", None, None),)
    assert alone.mix == Mix()


@pytest.mark.parametrize(
    "objectives",
    [
        (),
        (objective("d", "Draft", A, state=ObjectiveState.DRAFT),),
        (objective("c", "Closed", A, state=ObjectiveState.CLOSED),),
        (objective("q4", "Last quarter", A, period=Period.quarter(2025, 4)),),
    ],
    ids=["none", "draft", "closed", "over"],
)
def test_a_team_without_active_objectives_today_gets_no_digest(
    objectives: tuple[Objective, ...],
) -> None:
    with pytest.raises(NoActiveObjectivesError):
        build_digest(TEAM, objectives, TODAY, now=NOW, slot=FEB_27, previous=None, asked={A})


def test_today_is_the_teams_day_not_utcs() -> None:
    # 2026-03-31 20:00 UTC is already 1 April in Ho Chi Minh City: Q1 is over there.
    late = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    with pytest.raises(NoActiveObjectivesError):
        build_digest(
            TEAM, OBJECTIVES, TODAY, now=late, slot=date(2026, 4, 1), previous=None, asked=set()
        )


def test_a_naive_moment_is_refused() -> None:
    naive = datetime(2026, 2, 27, 16, 0)
    with pytest.raises(ValueError, match="naive"):
        build_digest(TEAM, OBJECTIVES, TODAY, now=naive, slot=FEB_27, previous=None, asked=set())
    with pytest.raises(ValueError, match="naive"):
        participation_round_id(TEAM, naive)


def test_a_dst_week_counts_real_hours_and_rounds_by_the_teams_calendar() -> None:
    berlin = dataclasses.replace(
        TEAM, settings=dataclasses.replace(TEAM.settings, time_zone="Europe/Berlin")
    )
    zone = ZoneInfo("Europe/Berlin")
    # Clocks went forward on Sunday 2026-03-29; the digest is on Tuesday 31 March.
    now = datetime(2026, 3, 31, 12, 0, tzinfo=zone)
    krs = [
        key_result("k1", "o1", "Bookings", A, 60, status=ON, checked=at(16, month=3)),
        # Saturday 28 March 08:30 CET = 07:30 UTC. The 30 March round is due at 09:00
        # CEST = 07:00 UTC; its window opened 48 real hours before: Saturday 08:00 CET.
        key_result(
            "k2",
            "o1",
            "Partners",
            A,
            5,
            target=10,
            status=RISK,
            checked=datetime(2026, 3, 28, 8, 30, tzinfo=zone),
        ),
    ]
    digest = build_digest(
        berlin, [O1], krs, now=now, slot=date(2026, 3, 31), previous=None, asked={A}
    )
    # 2026-01-02 00:00 CET to 2026-04-01 00:00 CEST is 89 days less an hour.
    assert digest.expected == Decimal(88 * 24 + 11) / Decimal(89 * 24 - 1)
    assert (digest.week, digest.weeks) == (13, 13)
    assert [(s.id, s.rounds_missed) for s in digest.stale] == [("k1", 2)]
    assert digest.mix == Mix(on_track=0, at_risk=1, off_track=0, not_updated=1)
    assert digest.participation == Participation(date(2026, 3, 30), 1, 0, (A,))


def test_week_numbers_count_whole_weeks_from_the_periods_first_day() -> None:
    assert week_of(Q1, date(2026, 1, 1)) == (1, 13)
    assert week_of(Q1, date(2026, 1, 7)) == (1, 13)
    assert week_of(Q1, date(2026, 1, 8)) == (2, 13)
    assert week_of(Q1, date(2026, 2, 26)) == (9, 13)
    assert week_of(Q1, date(2026, 3, 31)) == (13, 13)
    assert week_of(Period.calendar_year(2026), date(2026, 12, 31)) == (53, 53)
    assert week_of(Period.custom(date(2026, 1, 1), date(2026, 1, 14)), date(2026, 1, 14)) == (2, 2)


def test_an_asked_owner_with_nothing_left_in_the_round_counts_as_checked_in() -> None:
    digest = build_digest(
        TEAM, OBJECTIVES, TODAY, now=NOW, slot=FEB_27, previous=None, asked={A, B, "29:gone"}
    )
    assert digest.participation == Participation(date(2026, 2, 23), 3, 2, (B,))


def test_owners_own_zones_decide_their_rounds_window() -> None:
    # D lives in Los Angeles: Monday 09:00 there is Tuesday 00:00 in Ho Chi Minh
    # City, so their window opened on Sunday 00:00 HCM time, and a check-in on
    # Saturday noon counts for the team's window (Saturday 09:00) but not for theirs.
    la = Member(tenant_id=TENANT, id=D, time_zone="America/Los_Angeles")
    late = dataclasses.replace(TODAY[7], last_checkin_at=at(21, hour=12))  # Saturday noon
    krs = (*TODAY[:7], late)
    team_zone = build_digest(
        TEAM, OBJECTIVES, krs, now=NOW, slot=FEB_27, previous=None, asked={A, B, C, D}
    )
    own_zone = build_digest(
        TEAM,
        OBJECTIVES,
        krs,
        now=NOW,
        slot=FEB_27,
        previous=None,
        asked={A, B, C, D},
        members=[la],
    )
    assert team_zone.participation.missing_ids == (B,)
    assert own_zone.participation.missing_ids == (B, D)
    assert (team_zone.mix.not_updated, own_zone.mix.not_updated) == (3, 4)


def test_a_personal_digest_is_the_persons_own_key_results() -> None:
    person = Team(tenant_id=TENANT, id=B, name="Bình", settings=TEAM.settings)
    mine = [kr for kr in TODAY if kr.owner_id == B]
    theirs = [
        o for o in OBJECTIVES if o.owner_id == B or any(kr.objective_id == o.id for kr in mine)
    ]
    digest = build_digest(person, theirs, mine, now=NOW, slot=FEB_27, previous=None, asked={B})
    assert digest.team_name == "Bình"
    # k3 0.5, k4 0.2, k6 0
    assert digest.overall == Decimal("0.7") / 3
    assert [(o.id, o.key_results) for o in digest.objectives] == [("o2", 2), ("o1", 1)]
    assert digest.participation == Participation(date(2026, 2, 23), 1, 0, (B,))
    assert digest.snapshot.id == f"{B}|2026-02-27"


def test_movers_are_cut_at_movers() -> None:
    many = [
        key_result(f"m{n}", "o1", f"KR {n:02d}", A, n, status=ON, checked=at(24))
        for n in range(1, MOVERS + 3)
    ]
    before = build_digest(
        TEAM,
        [O1],
        [dataclasses.replace(kr, current=Decimal(0)) for kr in many],
        now=WEEK_BEFORE,
        slot=FEB_20,
        previous=None,
        asked=set(),
    )
    digest = build_digest(
        TEAM, [O1], many, now=NOW, slot=FEB_27, previous=before.snapshot, asked=set()
    )
    assert ids(digest.movers_up) == [f"m{n}" for n in range(MOVERS + 2, 2, -1)]


def test_no_change_reads_zero_not_minus_zero() -> None:
    digest = today()
    k3 = next(line for line in digest.snapshot.key_results if line.id == "k3")
    assert k3.progress == Decimal("0.5")
    changes = [o.change for o in digest.objectives] + [digest.change]
    assert all(c is None or not (c.is_zero() and c.is_signed()) for c in changes)
    unchanged = build_digest(
        TEAM,
        OBJECTIVES,
        TODAY,
        now=NOW + timedelta(days=7),
        slot=date(2026, 3, 6),
        previous=digest.snapshot,
        asked=set(),
    )
    assert unchanged.change == 0 and not unchanged.change.is_signed()
    assert all(o.change == 0 and not o.change.is_signed() for o in unchanged.objectives)


# -- properties -------------------------------------------------------------

_values = st.integers(min_value=-50, max_value=150)


@given(
    currents=st.lists(_values, min_size=1, max_size=12),
    earlier=st.lists(_values, min_size=1, max_size=12),
    weights=st.lists(st.integers(min_value=0, max_value=5), min_size=12, max_size=12),
)
def test_overall_stays_within_0_and_1_and_change_is_the_difference(
    currents: list[int], earlier: list[int], weights: list[int]
) -> None:
    def krs(values: list[int]) -> list[KeyResult]:
        return [
            dataclasses.replace(
                key_result(f"k{i}", ("o1", "o2", "o3")[i % 3], f"KR {i}", A, value),
                weight=Decimal(weights[i]),
            )
            for i, value in enumerate(values)
        ]

    before = build_digest(
        TEAM, OBJECTIVES, krs(earlier), now=WEEK_BEFORE, slot=FEB_20, previous=None, asked=set()
    )
    digest = build_digest(
        TEAM,
        OBJECTIVES,
        krs(currents),
        now=NOW,
        slot=FEB_27,
        previous=before.snapshot,
        asked={A},
    )
    assert digest.overall is not None and before.overall is not None
    assert 0 <= digest.overall <= 1
    assert digest.change == digest.overall - before.overall
    assert digest.mix.total == len(currents)
    assert digest.participation.checked_in + len(digest.participation.missing_ids) == 1
    for line in digest.objectives:
        assert line.progress is None or 0 <= line.progress <= 1
    assert len(digest.movers_up) <= MOVERS and len(digest.movers_down) <= MOVERS
    assert all(m.change is not None and m.change > 0 for m in digest.movers_up)
    assert all(m.change is not None and m.change < 0 for m in digest.movers_down)


def test_overalls_plan_is_the_objectives_own_lines_weighed_as_overall_is() -> None:
    """An objective starting later (``starts_on``) pulls overall's plan back, by its weight."""
    later = dataclasses.replace(O2, starts_on=date(2026, 2, 1))
    krs = [dataclasses.replace(kr, weight=Decimal(2)) if kr.id == "k4" else kr for kr in TODAY]
    digest = today(objectives=(O1, later, O3), key_results=krs)
    # O2's line: 2026-02-02 00:00 to 2026-04-01 00:00 is 58 days (1392 h); by
    # 2026-02-27 16:00, 25 days and 16 h (616 h) have passed.
    own = Decimal(616) / Decimal(1392)
    assert {o.id: o.expected for o in digest.objectives} == {
        "o1": EXPECTED_FEB_27,
        "o2": own,
        "o3": EXPECTED_FEB_27,
    }
    # Weights: o1's and o3's five key results 1 each; o2's 2 + 1 + 1 = 4.
    # (5 * 1360/2136 + 4 * 616/1392) / 9 = 38356/69687 = 0.55040..., to 20 places (each
    # line is a 28-digit Decimal, so the last digits of the mean round).
    exact = Decimal(38356) / Decimal(69687)
    places = Decimal("1e-20")
    assert digest.expected is not None
    assert digest.expected.quantize(places) == exact.quantize(places)
    assert round(digest.expected, 4) == Decimal("0.5504")
    assert digest.snapshot.expected == digest.expected == digest.trend[-1].expected
    # Every objective exactly on its own line: overall is exactly on overall's plan.
    on_plan = [
        dataclasses.replace(
            kr, kind=TODAY[0].kind, start=Decimal(0), target=Decimal(1), current=o_line
        )
        for kr in krs
        for o_line in [own if kr.objective_id == "o2" else EXPECTED_FEB_27]
    ]
    on_pace = today(objectives=(O1, later, O3), key_results=on_plan)
    assert on_pace.overall == on_pace.expected


def test_without_objectives_starting_later_the_plan_is_the_periods_line() -> None:
    assert today().expected == EXPECTED_FEB_27
