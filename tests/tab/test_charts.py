"""The key-result chart: valid SVG, every text escaped, points and the expected line in place."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from cards.i18n import Language
from okr.models import CheckIn, CheckInStatus, KeyResult, KeyResultKind, Objective, ObjectiveState
from tab.charts import key_result_chart
from tests.tab.seed import Q4, at

SVG = "{http://www.w3.org/2000/svg}"
UTC = ZoneInfo("UTC")
HOSTILE = "<script>alert('x')</script> & \"quotes\" ]]> <!--"


def _objective() -> Objective:
    return Objective(
        tenant_id="t", id="o", title="O", owner_id=None, period=Q4, state=ObjectiveState.ACTIVE
    )


def _key_result(title: str = "Close deals", unit: str = "deals") -> KeyResult:
    return KeyResult(
        tenant_id="t",
        id="kr",
        objective_id="o",
        title=title,
        owner_id=None,
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(40),
        current=Decimal(14),
        unit=unit,
    )


def _checkin(day: int, value: int, note: str = "") -> CheckIn:
    return CheckIn(
        tenant_id="t",
        id=f"c{day}",
        key_result_id="kr",
        objective_id="o",
        author_id="a",
        value=Decimal(value),
        status=CheckInStatus.ON_TRACK,
        recorded_at=at(day),
        note=note,
    )


def test_hostile_titles_and_units_come_out_escaped_and_the_svg_parses() -> None:
    kr = _key_result(title=HOSTILE, unit=HOSTILE)

    svg = key_result_chart(kr, _objective(), [_checkin(2, 5), _checkin(9, 7)], Language.EN, UTC)

    root = ET.fromstring(svg)  # raises if the text broke the XML
    assert root.tag == f"{SVG}svg"
    assert "<script" not in svg and "<!--" not in svg
    assert root.get("aria-label") == f"History of {HOSTILE}"
    assert root.find(f"{SVG}title").text == f"History of {HOSTILE}"  # type: ignore[union-attr]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert f"40 {HOSTILE}" in labels and f"0 {HOSTILE}" in labels
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))
    assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)


def test_each_checkin_is_a_point_in_time_order_on_one_line() -> None:
    checkins = [_checkin(23, 14), _checkin(2, 5), _checkin(16, 12)]  # newest first, as stored

    root = ET.fromstring(key_result_chart(_key_result(), _objective(), checkins, Language.EN, UTC))

    points = [(float(c.get("cx", 0)), float(c.get("cy", 0))) for c in root.iter(f"{SVG}circle")]
    assert len(points) == 3
    assert points == sorted(points)  # later is further right
    assert points[0][1] > points[1][1] > points[2][1]  # higher values are higher up
    [line] = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "chart-actual"]
    assert len(line.get("points", "").split()) == 3
    tips = [t.text for c in root.iter(f"{SVG}circle") for t in c.iter(f"{SVG}title")]
    assert tips[0] == "11/02/2026: 5 deals"


def test_the_expected_line_runs_from_the_first_day_to_the_target_at_the_end() -> None:
    root = ET.fromstring(key_result_chart(_key_result(), _objective(), [], Language.EN, UTC))

    [expected] = [e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-expected"]
    [target] = [e for e in root.iter(f"{SVG}line") if "chart-target" in (e.get("class") or "")]
    assert float(expected.get("x2", 0)) == 312.0  # the right edge: the period's end
    assert expected.get("y2") == target.get("y1")  # reaches the target
    assert float(expected.get("y1", 0)) == 96.0  # starts from the start value
    assert not list(root.iter(f"{SVG}circle"))


def test_axis_labels_are_written_for_the_language() -> None:
    kr = replace(_key_result(), target=Decimal(1500000))

    root = ET.fromstring(key_result_chart(kr, _objective(), [], Language.VI, UTC))

    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "01/10/2026" in labels and "31/12/2026" in labels
    assert "1.500.000 deals" in labels
