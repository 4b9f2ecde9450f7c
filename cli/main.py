"""Command-line entry points: ``python app.py <command> ...``.

``import FILE.csv --tenant ID --team ID`` and ``export --tenant ID [--out FILE]``.
Each opens the configured store, does its work and exits non-zero on failure
with a message a person can act on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from cli.csv_commands import export_csv, import_csv
from cli.okr_csv import CsvError
from settings import Settings
from storage.factory import store_from_settings

COMMANDS = ("import", "export")


def build_parser() -> argparse.ArgumentParser:
    """The parser for every operator command."""
    parser = argparse.ArgumentParser(prog="python app.py", description="OKR check-ins for Teams")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import OKRs from a CSV file (all or nothing)")
    imp.add_argument("file", type=Path, help="CSV with the columns in docs/csv.md")
    imp.add_argument("--tenant", required=True, help="Microsoft Entra tenant id")
    imp.add_argument("--team", required=True, help="Teams team id (19:...@thread.tacv2)")
    exp = sub.add_parser("export", help="export a tenant's OKRs as CSV")
    exp.add_argument("--tenant", required=True, help="Microsoft Entra tenant id")
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    return parser


def run(argv: list[str], settings: Settings) -> int:
    """Parse ``argv`` and run the command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    async with store_from_settings(settings) as store:
        if args.command == "import":
            try:
                text = args.file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                print(f"cannot read {args.file}: {exc}", file=sys.stderr)
                return 2
            try:
                result = await import_csv(store, args.tenant, args.team, text)
            except CsvError as exc:
                print(f"{args.file}: nothing imported:\n{exc}", file=sys.stderr)
                return 1
            print(f"imported {result.objectives} objectives, {result.key_results} key results")
            return 0
        text = await export_csv(store, args.tenant)
        if args.out is None:
            sys.stdout.write(text)
        else:
            args.out.write_text(text, encoding="utf-8")
            print(f"exported to {args.out}", file=sys.stderr)
        return 0
