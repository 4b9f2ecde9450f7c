"""A Viva Goals export built in code, from the field names importers agree on.

The organisation renamed its kinds ("Big rock", "Kpi", "Project"), wrote numbers
as text with separators, notes in HTML and Vietnamese, and exported without a
comments file. It also holds the awkward cases: an objective whose parent is
not in the export, two objectives whose ``Parent IDs`` run in a circle, a key
result under that circle, an objective with manual progress, a "Maintain at"
metric, a closed quarter with scores, and check-ins out of date order.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.viva_export import VivaExport, parse_export


@dataclass(frozen=True)
class People:
    """The e-mails the export gives An, Binh and Cuong (Cuong: nobody the bot has met)."""

    an: str = "an@contoso.example"
    binh: str = "BINH@Contoso.example"  # case differs from the member's
    cuong: str = "cuong@contoso.example"


def person(viva_id: int, name: str, email: str) -> dict[str, Any]:
    return {"ID": viva_id, "Name": name, "Email": email}


def item(
    viva_id: int,
    title: str,
    type_name: str,
    owner: dict[str, Any],
    period: dict[str, Any],
    *,
    parents: tuple[int, ...] = (),
    teams: list[dict[str, Any]] | None = None,
    outcome: dict[str, Any] | None = None,
    weights: list[dict[str, Any]] | None = None,
    progress: Any = 0,
    mode: str = "Update from Children",
    status: str = "On Track",
    score: Any = None,
    description: str | None = None,
    created: str = "2026-10-01T08:00:00Z",
    **extra: Any,
) -> dict[str, Any]:
    """An entry of the objectives file, every field named as exported."""
    return {
        "ID": viva_id,
        "Title": title,
        "Type": type_name,
        "Description": description,
        "Score": score,
        "Created At": created,
        "Last Check-in": extra.pop("last_checkin", None),
        "Owner": [owner],
        "Teams": teams,
        "Time Period": {"ID": period["ID"], "Name": period["Time Period Name"]},
        "Start Date": period["Start Date"],
        "End Date": period["End Date"],
        "Parent IDs": list(parents),
        "Alignment": weights,
        "Children": None,
        "Progress and Status Configuration": {
            "Progress": mode,
            "Status": "Update Manually",
            "Data Source": "Manual",
        },
        "Progress": progress,
        "Status": status,
        "Outcome": outcome,
        "Goal Type": extra.pop("goal_type", "Committed"),
        **extra,
    }


def metric(start: Any, target: Any, target_type: str, unit: str = "") -> dict[str, Any]:
    return {
        "Outcome Type": "Metric",
        "Metric Name": "value",
        "Metric Unit": unit,
        "Start": start,
        "Target": target,
        "Target Type": target_type,
    }


PERCENTAGE = {"Outcome Type": "Percentage", "Start": 0, "Target": 100, "Target Type": "Increase"}


def checkin(
    viva_id: int, okr: int, when: str, value: Any, status: str, author: dict[str, Any], note: Any
) -> dict[str, Any]:
    html = note if isinstance(note, str) and note.startswith("<") else None
    return {
        "ID": viva_id,
        "OKR ID": okr,
        "CheckIn Date": when,
        "Activity Date": when[:10],
        "Check In Owner": author,
        "Check In Note": {"Check In Note": "" if html else note, "Check In Note HTML": html},
        "Metric Name": "value",
        "Status": status,
        "Current Value": value,
    }


Q1 = {"ID": 1, "Time Period Name": "Q1 2026", "Start Date": "2026-01-01", "End Date": "2026-03-31"}
# The end written as the instant the quarter is over, as some exports do.
Q4 = {
    "ID": 4,
    "Time Period Name": "Quarter 4 2026",
    "Start Date": "2026-10-01T00:00:00Z",
    "End Date": "2026-12-31T23:59:59Z",
}
SPRINT = {
    "ID": 9,
    "Time Period Name": "Sprint 7",
    "Start Date": "2026-11-02",
    "End Date": "2026-11-15",
}
SALES_TEAM = {"ID": 70, "Name": "Sales"}
ORG_TEAM = {"ID": 71, "Name": "Contoso"}

# Viva Goals IDs the tests refer to.
REVENUE, SALES_KR, TICKETS, LAUNCH, MARKETS, UPTIME = 1, 2, 3, 4, 5, 6
CLOSED, CUSTOMERS, ORPHAN, CYCLE_A, CYCLE_B, UNDER_CYCLE, SPRINT_OBJ = 7, 8, 9, 10, 11, 12, 13


def objectives(people: People = People()) -> list[dict[str, Any]]:
    an, binh, cuong = (
        person(501, "An Nguyễn", people.an),
        person(502, "Bình Trần", people.binh),
        person(503, "Cường Lê", people.cuong),
    )
    return [
        item(
            REVENUE,
            "Tăng gấp đôi doanh thu",
            "Big rock",
            an,
            Q4,
            teams=[SALES_TEAM],
            description="<p>Mục tiêu <b>quan trọng</b> nhất &amp; khó nhất</p>"
            "<ul><li>thị trường mới</li><li>khách hàng cũ</li></ul>",
            weights=[{"ID": SALES_KR, "Title": "Doanh thu quý", "Weight": "60%"}],
        ),
        item(
            SALES_KR,
            "Doanh thu quý",
            "Kpi",
            binh,
            Q4,
            parents=(REVENUE,),
            teams=[SALES_TEAM],
            outcome=metric("1,000,000,000", "2,000,000,000", "Increase From", "VND"),
        ),
        item(
            TICKETS,
            "Giảm phiếu hỗ trợ",
            "Kpi",
            cuong,
            Q4,
            parents=(REVENUE,),
            outcome=metric("120", 30, "Decrease From", "tickets/month"),
            weights=[{"ID": REVENUE, "Title": "Tăng gấp đôi doanh thu", "Weight": "40%"}],
        ),
        item(LAUNCH, "Ra mắt ứng dụng", "Project", an, Q4, parents=(SALES_KR,), progress="50"),
        {
            **item(
                MARKETS,
                "Mở rộng thị trường",
                "Big rock",
                binh,
                Q4,
                parents=(REVENUE,),
                teams=[SALES_TEAM],
                mode="Update Manually",
                progress="35",
            ),
            "Phased Targets": {"Interval": "monthly", "Phased Targets": []},
            "Permissions": [{"ID": 1}],
        },
        item(
            UPTIME,
            "Thời gian hoạt động",
            "Kpi",
            binh,
            Q4,
            parents=(MARKETS,),
            outcome=metric("99", "99.5", "Maintain at", "%"),
        ),
        item(
            CLOSED,
            "Ra mắt sản phẩm Q1",
            "Big rock",
            an,
            Q1,
            teams=[SALES_TEAM],
            status="Closed",
            score="0.7",
            created="2026-01-02T08:00:00Z",
            last_checkin="2026-03-28T10:00:00Z",
            goal_type="Aspirational",
        ),
        item(
            CUSTOMERS,
            "Khách hàng mới",
            "Kpi",
            an,
            Q1,
            parents=(CLOSED,),
            outcome=PERCENTAGE,
            score=0.8,
            created="2026-01-02T09:00:00Z",
        ),
        item(ORPHAN, "Objective whose parent stayed behind", "Big rock", an, Q4, parents=(999,)),
        item(CYCLE_A, "Circle A", "Big rock", an, Q4, parents=(CYCLE_B,)),
        item(CYCLE_B, "Circle B", "Big rock", an, Q4, parents=(CYCLE_A,)),
        item(
            UNDER_CYCLE, "Under the circle", "Kpi", an, Q4, parents=(CYCLE_A,), outcome=PERCENTAGE
        ),
        item(SPRINT_OBJ, "Sprint goal", "Big rock", binh, SPRINT, teams=[ORG_TEAM]),
    ]


def checkins(people: People = People()) -> list[dict[str, Any]]:
    binh = person(502, "Bình Trần", people.binh)
    cuong = person(503, "Cường Lê", people.cuong)
    an = person(501, "An Nguyễn", people.an)
    return [
        # Later check-in first: history is put in date order.
        checkin(
            802,
            SALES_KR,
            "2026-11-10T09:00:00Z",
            "1.500.000.000",
            "At Risk",
            binh,
            "Chậm hơn kế hoạch,\ncần thêm khách hàng lớn",
        ),
        checkin(
            801,
            SALES_KR,
            "2026-10-15T09:00:00Z",
            "1,200,000,000",
            "On Track",
            binh,
            "<p>Tốt <b>lắm</b> &amp; đúng hướng</p><script>alert(1)</script>",
        ),
        checkin(803, TICKETS, "2026-11-01T09:00:00Z", "90", "Behind", cuong, "Đang giảm"),
        checkin(804, CUSTOMERS, "2026-02-01T09:00:00Z", 40, "Not Started", an, None),
        checkin(805, CUSTOMERS, "2026-03-20T09:00:00Z", "75", "On Track", an, "Gần xong"),
        checkin(806, REVENUE, "2026-11-01T09:00:00Z", 30, "On Track", an, "objective check-in"),
        checkin(807, UPTIME, "2026-11-20T09:00:00Z", "99.7", "On Track", binh, "ổn định"),
        checkin(808, UNDER_CYCLE, "2026-11-20T09:00:00Z", 10, "On Track", an, ""),
        checkin(809, 555, "2026-11-20T09:00:00Z", 10, "On Track", an, "lost"),
    ]


def arrays(people: People = People()) -> dict[str, Any]:
    """The export's files by name: no comments file."""
    return {
        "TimePeriods.json": [Q1, Q4, SPRINT],
        "Teams.json": [
            {
                "ID": 70,
                "Team Name": "Sales",
                "Parent Team": "Contoso",
                "Team Owners": [],
                "Team Type": "Team",
                "Status": "Active",
            },
            {
                "ID": 71,
                "Team Name": "Contoso",
                "Parent Team": None,
                "Team Owners": [],
                "Team Type": "Organization",
                "Status": "Active",
            },
        ],
        "Users.json": [
            person(501, "An Nguyễn", people.an),
            person(502, "Bình Trần", people.binh),
            person(503, "Cường Lê", people.cuong),
        ],
        "objectives.json": objectives(people),
        "checkins.json": checkins(people),
    }


def zip_bytes(files: Mapping[str, Any], prefix: str = "Contoso_export_2025-12-20/") -> bytes:
    """A ZIP of the files as JSON, under a folder as Viva Goals names its export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            data = (
                content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False)
            )
            archive.writestr(prefix + name, data)
    return buffer.getvalue()


def write_export(path: Path, people: People = People()) -> Path:
    """The sample export written to ``path``."""
    path.write_bytes(zip_bytes(arrays(people)))
    return path


def read_sample(people: People = People()) -> VivaExport:
    """The sample export as :func:`cli.viva_export.read_export` reads it from its ZIP."""
    return parse_export(
        {name.split(".")[0].lower(): array for name, array in arrays(people).items()}
    )
