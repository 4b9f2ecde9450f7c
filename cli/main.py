"""Command-line entry points: ``python app.py <command> ...``.

- ``import FILE.csv --tenant ID --team ID [--dry-run]`` / ``export --tenant ID [--out FILE]``
- ``import-viva-goals EXPORT.zip --tenant ID [--teams FILE] [--types ...] [--dry-run]``:
  a Viva Goals export, with history, alignment and scores (docs/migrate-from-viva-goals.md)
- ``run checkins|reminders|digests [--now ISO-8601] [--tenant ID]``: one pass, then exit
  (when it sends nothing, it says when each team's next round, or digest, is)
- ``package [--app-id GUID] [--out FILE.zip] [--domain HOST ...] [--tab-app-id GUID]``: the
  Teams app zip; the tab is in it only with a ``--domain`` (the first is where it is served)

Each exits non-zero on failure with a message a person can act on, never a
traceback for something the operator can cause. Tenant ids are GUIDs and are
taken in any case (:func:`cli.tenants.tenant_argument`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.delivery import delivery_engine
from cli.csv_commands import export_csv
from cli.csv_import import import_csv, summary
from cli.errors import CommandError
from cli.files import write_output
from cli.next_rounds import idle_line
from cli.okr_csv import CsvError
from cli.package import DEFAULT_OUT, PackageError, build_package
from cli.tenants import tenant_argument
from cli.viva_import import (
    import_viva_goals,
    print_progress,
    read_export_file,
    read_teams_file,
)
from cli.viva_import import summary as viva_summary
from cli.viva_mapping import Kind, TypesError, parse_types
from scheduling.rounds import DeliveryEngine, PassKind
from settings import CLIENT_ID, Settings
from storage.backend import PASS_DEADLINE_S, CreatesAtomically
from storage.errors import StoreError
from storage.factory import store_from_settings
from storage.store import OkrStore


def build_parser() -> argparse.ArgumentParser:
    """The parser for every operator command."""
    parser = argparse.ArgumentParser(prog="python app.py", description="OKR check-ins for Teams")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import OKRs from a CSV file (all or nothing)")
    imp.add_argument("file", type=Path, help="CSV with the columns in docs/csv.md")
    imp.add_argument("--tenant", required=True, type=tenant_argument, help="Entra tenant id")
    imp.add_argument("--team", required=True, help="Teams team id (19:...@thread.tacv2)")
    imp.add_argument(
        "--dry-run", action="store_true", help="say what the import would change; write nothing"
    )
    viva = sub.add_parser(
        "import-viva-goals",
        help="import a Viva Goals export (ZIP) with history, alignment and scores",
    )
    viva.add_argument("export", type=Path, help="the ZIP Viva Goals exported")
    viva.add_argument("--tenant", required=True, type=tenant_argument, help="Entra tenant id")
    viva.add_argument(
        "--teams",
        type=Path,
        help="CSV mapping Viva Goals teams to Teams team ids (--dry-run prints a template)",
    )
    viva.add_argument(
        "--types",
        type=_types,
        default={},
        help='how Type names map, e.g. "Big rock=objective,Kpi=key_result,Project=initiative"',
    )
    viva.add_argument(
        "--dry-run", action="store_true", help="say what the import would do; write nothing"
    )
    exp = sub.add_parser("export", help="export a tenant's OKRs as CSV")
    exp.add_argument("--tenant", required=True, type=tenant_argument, help="Entra tenant id")
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    run = sub.add_parser(
        "run", help="run one pass of check-ins, reminders or digests now, then exit"
    )
    run.add_argument("kind", choices=[k.value for k in PassKind])
    run.add_argument(
        "--now",
        type=_instant,
        help="behave as if it were this moment (ISO-8601; without an offset, UTC)",
    )
    run.add_argument("--tenant", help="only this tenant")
    pkg = sub.add_parser("package", help="build the Teams app package to upload")
    pkg.add_argument(
        "--app-id",
        help=f"the Azure Bot's Microsoft Entra app id (default: {CLIENT_ID}); "
        "no secret or tenant id is needed to build the package",
    )
    pkg.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    pkg.add_argument(
        "--domain",
        action="append",
        default=[],
        help="a valid domain of the app (repeatable); the first is the host name the tab is "
        "served from (TAB_DOMAIN): without one the package has no tab",
    )
    pkg.add_argument(
        "--tab-app-id",
        help="the Microsoft Entra app registration the tab signs in to (default: --app-id); "
        "a bot signed in as a managed identity needs its own (docs/deploy.md)",
    )
    return parser


def _types(text: str) -> dict[str, Kind]:
    try:
        return parse_types(text)
    except TypesError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time (e.g. 2026-11-30T09:00+07:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(argv: list[str], settings: Settings) -> int:
    """Parse ``argv`` and run the command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "package":
            return _package(args, settings)
        return asyncio.run(_run(args, settings))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def run_package(argv: list[str], app_id: str | None) -> int:
    """``package``: the Teams app zip, from ``--app-id`` or the configured ``app_id`` alone."""
    args = build_parser().parse_args(["package", *argv])
    try:
        return _package(args, app_id)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _package(args: argparse.Namespace, configured: Settings | str | None) -> int:
    try:
        path = build_package(
            args.app_id or configured,
            args.out,
            valid_domains=tuple(args.domain),
            tab_app_id=args.tab_app_id,
        )
    except PackageError as exc:
        raise CommandError(f"cannot build the package: {exc}", 2) from None
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}", 2) from None
    print(f"built {path}")
    if args.domain:
        print(f"the tab is served from https://{args.domain[0]}/tab/")
    else:
        print(NO_TAB_LINE)
    return 0


# Said after a package built without --domain: it is a whole bot, but not the tab.
NO_TAB_LINE = (
    "no --domain: the package has the bot only, without the tab; "
    "to add it, build again with --domain <the app's host name> (docs/tab.md)"
)


# One storage call of import or export may read or write a whole tenant (100,000
# key results); the request deadline would cut it off. A pass keeps the default.
CSV_DEADLINE_S = 600.0


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    bulk = ("import", "export", "import-viva-goals")
    deadline_s = CSV_DEADLINE_S if args.command in bulk else PASS_DEADLINE_S
    try:
        async with store_from_settings(settings, deadline_s=deadline_s) as store:
            if args.command == "import":
                return await _import(args, store)
            if args.command == "import-viva-goals":
                return await _import_viva(args, store)
            if args.command == "export":
                export = await export_csv(store, args.tenant)
                write_output(args.out, export.text)
                where = "standard output" if args.out is None else str(args.out)
                print(
                    f"exported {export.objectives} objectives, "
                    f"{export.key_results} key results to {where}",
                    file=sys.stderr,
                )
                return 0
            return await _run_pass(args, settings, store)
    except (StoreError, sqlite3.Error, OSError) as exc:
        # Storage that cannot be opened or used: the operator fixes the setting or the file.
        raise CommandError(f"storage: {exc}", 2) from None


async def _import(args: argparse.Namespace, store: OkrStore) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CommandError(f"cannot read {args.file}: {reason or exc}", 2) from None
    try:
        plan = await import_csv(store, args.tenant, args.team, text, dry_run=args.dry_run)
    except CsvError as exc:
        print(f"{args.file}: nothing imported:\n{exc}", file=sys.stderr)
        return 1
    except (StoreError, sqlite3.Error, OSError) as exc:
        if isinstance(store.backend, CreatesAtomically):
            outcome = "nothing was imported"
        else:
            outcome = "run the same import again: it completes it and duplicates nothing"
        raise CommandError(
            f"{args.file}: storage failed during the import ({exc}); {outcome}", 2
        ) from None
    print("\n".join(summary(plan, dry_run=args.dry_run)))
    return 0


async def _import_viva(args: argparse.Namespace, store: OkrStore) -> int:
    export = read_export_file(args.export)
    teams: dict[str, str] = {}
    if args.teams is not None:
        try:
            teams = read_teams_file(args.teams.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise CommandError(f"cannot read {args.teams}: {reason or exc}", 2) from None
    big = len(export.items) + len(export.checkins) >= PROGRESS_FROM
    progress = print_progress(sys.stderr) if big and sys.stderr.isatty() else None
    try:
        result = await import_viva_goals(
            store,
            args.tenant,
            export,
            teams=teams,
            types=args.types,
            dry_run=args.dry_run,
            progress=progress,
        )
    except (StoreError, sqlite3.Error, OSError) as exc:
        raise CommandError(
            f"{args.export}: storage failed during the import ({exc}); run the same import "
            "again: it writes the rest and duplicates nothing",
            2,
        ) from None
    print("\n".join(viva_summary(result, dry_run=args.dry_run)))
    return 0


# Exports at least this large (items and check-ins) get a progress bar on a terminal.
PROGRESS_FROM = 2000


async def _run_pass(args: argparse.Namespace, settings: Settings, store: object) -> int:

    assert isinstance(store, OkrStore)
    kind = PassKind(args.kind)
    now = args.now or datetime.now(UTC)
    progress = _print_progress if sys.stderr.isatty() else None
    async with delivery_engine(settings, store, progress=progress) as engine:
        with _stop_on_sigterm(engine):
            counts = await engine.run(kind, now, args.tenant)
    if progress is not None:
        print(file=sys.stderr)
    if engine.stopping:
        print(
            "note: stopped by SIGTERM: the cards in flight were sent and recorded and the "
            f"leases released; {counts.left} due card(s) not started: run again to send them",
            file=sys.stderr,
        )
    for error in counts.errors:
        print(f"error: {error}", file=sys.stderr)
    if counts.busy_teams:
        print(
            f"note: {counts.busy_teams} team(s) skipped: another instance holds their lease "
            "(or a crashed one, whose lease lapses within 3 minutes); run again to finish them",
            file=sys.stderr,
        )
    print(f"{kind.value} at {now.isoformat()}: {counts.line()}")
    if not (counts.sent or counts.skipped or counts.busy_teams or engine.stopping) and counts.ok:
        # "sent=0" alone reads like a broken schedule: say when the next rounds are.
        print(await idle_line(store, now, args.tenant, kind))
    if engine.stopping:
        return 128 + signal.SIGTERM
    return 0 if counts.ok else 1


@contextlib.contextmanager
def _stop_on_sigterm(engine: DeliveryEngine) -> Iterator[None]:
    """SIGTERM ends the pass cleanly (cards in flight recorded, leases released).

    Without this the process would die holding its leases, and every other
    instance would skip those teams until the leases lapse.
    """
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, engine.stop)
    except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


_done = 0


def _print_progress(line: str) -> None:
    global _done  # noqa: PLW0603 - a terminal counter for one pass
    _done += 1
    print(f"\r{_done} delivered … {line[:60]:<60}", end="", file=sys.stderr, flush=True)
