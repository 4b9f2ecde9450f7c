"""What turning stored JSON into entities costs, as a ratio to parsing the JSON.

For each kind of document a digest reads (an objective, a key result, a
check-in, a member, a team, a digest snapshot with its marks and trend), time
per document, in the same run and interleaved so that a shared machine's drift
falls on all of them:

* ``json.loads`` of the stored text (what a backend does anyway);
* ``from_document``: the generated decoder (``storage.codec``);
* ``reference_from_document``: the generic walk over type hints it replaced;
* and the same for encoding against ``json.dumps``.

The figures are medians over rounds, reported as ratios to ``json.loads`` /
``json.dumps``. Run from the repository root::

    .venv/bin/python -m benchmarks.codec
    .venv/bin/python -m benchmarks.codec --rounds 3 --number 200 --json /tmp/codec.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from okr.models import (
    Channel,
    CheckIn,
    CheckInStatus,
    DigestSnapshot,
    KeyResult,
    KeyResultKind,
    KeyResultMark,
    Member,
    Objective,
    ObjectiveMark,
    ObjectiveState,
    Team,
    TrendPoint,
)
from okr.periods import Period
from storage.codec import (
    from_document,
    reference_from_document,
    reference_to_document,
    to_document,
)

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
T0 = datetime(2026, 11, 27, 9, 0, 12, 345678, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Measured:
    """One kind of document: microseconds per document and the ratios."""

    kind: str
    bytes: int
    loads_us: float
    decode_us: float
    reference_decode_us: float
    dumps_us: float
    encode_us: float
    reference_encode_us: float

    @property
    def decode_over_loads(self) -> float:
        """The generated decoder's time over ``json.loads``'s."""
        return self.decode_us / self.loads_us

    @property
    def reference_decode_over_loads(self) -> float:
        """The generic walk's time over ``json.loads``'s."""
        return self.reference_decode_us / self.loads_us

    @property
    def encode_over_dumps(self) -> float:
        """The generated encoder's time over ``json.dumps``'s."""
        return self.encode_us / self.dumps_us

    @property
    def reference_encode_over_dumps(self) -> float:
        """The generic walk's encoding time over ``json.dumps``'s."""
        return self.reference_encode_us / self.dumps_us


def samples() -> list[Any]:
    """One entity of each kind a digest reads, filled in as a busy team's would be."""
    period = Period.quarter(2026, 4)
    objective = Objective(
        tenant_id=TENANT,
        id="obj-0001-7f3a9c",
        title="Make onboarding a week shorter for every new engineer",
        owner_id="29:1a2b3c4d5e6f7a8b9c0d",
        period=period,
        state=ObjectiveState.ACTIVE,
        team_id="19:abcdef0123456789@thread.tacv2",
        description="Measured from the first day to the first merged change.",
        starts_on=date(2026, 10, 1),
        created_at=T0,
        updated_at=T0,
    )
    key_result = KeyResult(
        tenant_id=TENANT,
        id="kr-0001-7f3a9c-2",
        objective_id=objective.id,
        title="Close new deals in the northern region",
        owner_id="29:1a2b3c4d5e6f7a8b9c0d",
        kind=KeyResultKind.CURRENCY,
        start=Decimal(0),
        target=Decimal("1500000"),
        current=Decimal("350000.50"),
        currency="USD",
        due_date=date(2026, 12, 31),
        last_checkin_at=T0,
        last_checkin_id="ci-0001-7f3a9c-2-9",
        last_status=CheckInStatus.AT_RISK,
        last_note="Two deals slipped to January.",
        created_at=T0,
    )
    checkin = CheckIn(
        tenant_id=TENANT,
        id="ci-0001-7f3a9c-2-9",
        key_result_id=key_result.id,
        objective_id=objective.id,
        author_id="29:1a2b3c4d5e6f7a8b9c0d",
        value=Decimal("350000.50"),
        status=CheckInStatus.AT_RISK,
        recorded_at=T0,
        confidence=6,
        note="Two deals slipped to January.",
        round_id="checkin:19:abcdef0123456789@thread.tacv2:2026-11-23",
    )
    member = Member(
        tenant_id=TENANT,
        id="29:1a2b3c4d5e6f7a8b9c0d",
        aad_object_id="6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
        name="Nguyễn Thị Minh Anh",
        email="minhanh@contoso.example",
        time_zone="Asia/Ho_Chi_Minh",
        locale="vi-VN",
        team_ids=("19:abcdef0123456789@thread.tacv2",),
        updated_at=T0,
    )
    team = Team(
        tenant_id=TENANT,
        id="19:abcdef0123456789@thread.tacv2",
        name="Platform",
        channels=tuple(
            Channel(id=f"19:channel{n}@thread.tacv2", name=f"Channel {n}") for n in range(5)
        ),
        owner_ids=("29:1a2b3c4d5e6f7a8b9c0d", "29:owner2"),
        created_at=T0,
    )
    snapshot = DigestSnapshot(
        tenant_id=TENANT,
        id=f"{team.id}|2026-11-27",
        team_id=team.id,
        slot=date(2026, 11, 27),
        taken_at=T0,
        period_label=period.label,
        overall=Decimal("0.4123"),
        expected=Decimal("0.6250"),
        objectives=tuple(
            ObjectiveMark(
                id=f"obj-{n:04d}", progress=Decimal(n % 100) / 100, status=CheckInStatus.ON_TRACK
            )
            for n in range(100)
        ),
        key_results=tuple(
            KeyResultMark(
                id=f"kr-{n:05d}",
                objective_id=f"obj-{n // 5:04d}",
                progress=Decimal(n % 100) / 100,
                status=CheckInStatus.AT_RISK if n % 7 == 0 else CheckInStatus.ON_TRACK,
                last_checkin_at=T0 - timedelta(days=n % 14),
            )
            for n in range(500)
        ),
        trend=tuple(
            TrendPoint(
                day=date(2026, 10, 2) + timedelta(weeks=w),
                overall=Decimal(w) / 20,
                expected=Decimal(w) / 13,
            )
            for w in range(9)
        ),
    )
    return [objective, key_result, checkin, member, team, snapshot]


def _per_call_us(call: Callable[[], object], number: int) -> float:
    started = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - started) / number * 1e6


def measure(rounds: int, number: int) -> list[Measured]:
    """Time each kind of document over ``rounds`` interleaved rounds; medians per kind."""
    results = []
    for entity in samples():
        cls = type(entity)
        text = json.dumps(to_document(entity))
        body = json.loads(text)
        if from_document(cls, body, "e") != reference_from_document(cls, body, "e"):
            raise AssertionError(f"{cls.__name__}: the decoders disagree")
        # A snapshot is one large document: fewer calls keep a round short.
        calls = max(1, number // 50) if cls is DigestSnapshot else number
        timings: dict[str, list[float]] = {}
        steps: dict[str, Callable[[], object]] = {
            "loads": lambda text=text: json.loads(text),  # type: ignore[misc]
            "decode": lambda cls=cls, body=body: from_document(cls, body, "e"),  # type: ignore[misc]
            "reference_decode": lambda cls=cls, body=body: reference_from_document(cls, body, "e"),  # type: ignore[misc]
            "dumps": lambda body=body: json.dumps(body),  # type: ignore[misc]
            "encode": lambda entity=entity: to_document(entity),  # type: ignore[misc]
            "reference_encode": lambda entity=entity: reference_to_document(entity),  # type: ignore[misc]
        }
        for _ in range(rounds):
            for name, step in steps.items():
                timings.setdefault(name, []).append(_per_call_us(step, calls))
        median = {name: statistics.median(values) for name, values in timings.items()}
        results.append(
            Measured(
                kind=cls.__name__,
                bytes=len(text.encode()),
                loads_us=median["loads"],
                decode_us=median["decode"],
                reference_decode_us=median["reference_decode"],
                dumps_us=median["dumps"],
                encode_us=median["encode"],
                reference_encode_us=median["reference_encode"],
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure, print a table of ratios; optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=2000, help="calls per step and round")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    results = measure(args.rounds, args.number)
    print(
        f"{'document':<16}{'bytes':>7}{'loads µs':>10}{'decode ÷ loads':>16}{'before':>8}"
        f"{'encode ÷ dumps':>16}{'before':>8}"
    )
    for r in results:
        print(
            f"{r.kind:<16}{r.bytes:>7}{r.loads_us:>10.2f}{r.decode_over_loads:>16.2f}"
            f"{r.reference_decode_over_loads:>8.2f}{r.encode_over_dumps:>16.2f}"
            f"{r.reference_encode_over_dumps:>8.2f}"
        )
    if args.json is not None:
        figures = [
            {
                **asdict(r),
                "decode_over_loads": r.decode_over_loads,
                "reference_decode_over_loads": r.reference_decode_over_loads,
                "encode_over_dumps": r.encode_over_dumps,
                "reference_encode_over_dumps": r.reference_encode_over_dumps,
            }
            for r in results
        ]
        args.json.write_text(json.dumps({"documents": figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
