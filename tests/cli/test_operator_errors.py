"""Item 14: what an operator can get wrong gets one clear line and a non-zero exit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, app, seed_file

UNKNOWN_TENANT = "99999999-9999-4999-8999-999999999999"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "okr.sqlite3"
    seed_file(path)
    return path


def one_line(stderr: str) -> str:
    """The error line; fails if there is more, or a traceback."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_export_to_a_folder(db: Path, tmp_path: Path) -> None:
    result = app(db, "export", "--tenant", TENANT, "--out", str(tmp_path))
    assert result.returncode == 2
    assert (
        one_line(result.stderr)
        == f"error: cannot write {tmp_path}: it is a folder; name a file in it"
    )


def test_export_into_a_missing_folder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "okrs.csv"
    result = app(db, "export", "--tenant", TENANT, "--out", str(out))
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"error: cannot write {out}: the folder {out.parent} does not exist"
    )
    assert not out.parent.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_export_to_a_full_disk(db: Path) -> None:
    result = app(db, "export", "--tenant", TENANT, "--out", "/dev/full")
    assert result.returncode == 2
    assert one_line(result.stderr) == "error: cannot write /dev/full: No space left on device"


def test_export_to_standard_output_on_a_full_disk(db: Path) -> None:
    with open("/dev/full", "w") as full:
        result = app(db, "export", "--tenant", TENANT, stdout=full)
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "error: cannot write to standard output: No space left on device"
    )


def test_a_failed_export_leaves_an_existing_file_as_it_was(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "okrs.csv"
    out.write_text("yesterday's export\n", encoding="utf-8")
    result = app(db, "export", "--tenant", UNKNOWN_TENANT, "--out", str(out))
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_of_an_unknown_tenant(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "okrs.csv"
    result = app(db, "export", "--tenant", UNKNOWN_TENANT, "--out", str(out))
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(
        f"error: tenant {UNKNOWN_TENANT} is unknown here: the bot has not been installed in it"
    )
    assert not out.exists()
    assert app(db, "export", "--tenant", UNKNOWN_TENANT).stdout == ""


def test_a_cell_over_the_csv_field_limit(db: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    huge.write_text(GOOD.replace("Write the handbook", "x" * 131_073), encoding="utf-8")
    result = app(db, "import", str(huge), "--tenant", TENANT, "--team", TEAM)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "_csv.Error" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{huge}: nothing imported:",
        "line 7: a cell is longer than 131,072 characters: this is not an OKR file",
    ]


def test_an_upper_case_tenant_id_is_the_same_tenant(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = app(db, "import", str(good), "--tenant", TENANT.upper(), "--team", TEAM)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported 3 objectives and 5 key results\n"
    exported = app(db, "export", "--tenant", f"  {TENANT.upper()} ")
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 7


async def test_what_the_upper_case_import_stored_is_under_the_tenant(
    db: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert app(db, "import", str(good), "--tenant", TENANT.upper(), "--team", TEAM).returncode == 0
    async with OkrStore(SqliteBackend(db)) as store:
        assert len(await store.list_objectives(TENANT)) == 3
        assert await store.list_objectives(TENANT.upper()) == []
        assert all(k.owner_id for k in await store.list_key_results(TENANT))


def test_a_tenant_id_that_is_not_a_guid(db: Path) -> None:
    result = app(db, "export", "--tenant", "contoso.onmicrosoft.com")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith(
        "'contoso.onmicrosoft.com' is not a tenant id "
        "(a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47)"
    )


def test_import_into_an_unknown_team(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = app(db, "import", str(good), "--tenant", TENANT, "--team", "19:typo@thread.tacv2")
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(
        "error: team '19:typo@thread.tacv2' is unknown in tenant"
    )


def test_import_of_a_folder_or_a_file_that_is_not_text(db: Path, tmp_path: Path) -> None:
    folder = app(db, "import", str(tmp_path), "--tenant", TENANT, "--team", TEAM)
    assert folder.returncode == 2
    assert one_line(folder.stderr) == f"error: cannot read {tmp_path}: Is a directory"
    binary = tmp_path / "okrs.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe" + b"\x00" * 20)
    result = app(db, "import", str(binary), "--tenant", TENANT, "--team", TEAM)
    assert result.returncode == 2
    assert one_line(result.stderr) == f"error: cannot read {binary}: not UTF-8 text"
