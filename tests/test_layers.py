"""Layers point down, checked on every import of every module (not hoped for).

    okr         the domain: the standard library only
    cards       -> okr
    storage     -> okr            (and settings, for the factory)
    scheduling  -> okr, storage   (and settings)
    bot         -> everything above; the only package that imports the Agents SDK
    cli         -> everything above
    tab         -> okr, cards, storage, scheduling, and of bot only bot.signing_keys
    app.py      wires it all (the only importer of tab)

``settings`` is a leaf (it imports nothing of ours) that anything but the
domain and the cards may read.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = frozenset({"okr", "cards", "storage", "scheduling", "bot", "cli", "tab", "settings", "app"})
ALLOWED: dict[str, frozenset[str]] = {
    "okr": frozenset(),
    "cards": frozenset({"okr"}),
    "storage": frozenset({"okr", "settings"}),
    "scheduling": frozenset({"okr", "storage", "settings"}),
    "bot": frozenset({"okr", "cards", "storage", "scheduling", "settings"}),
    "cli": frozenset({"okr", "cards", "storage", "scheduling", "bot", "settings"}),
    # The tab reads what the bot reads, and shares only the bot's signing keys.
    "tab": frozenset({"okr", "cards", "storage", "scheduling", "bot", "settings"}),
    "settings": frozenset(),
}
# Of these packages, a layer may use only these modules.
ONLY_MODULES: dict[str, dict[str, frozenset[str]]] = {
    "tab": {"bot": frozenset({"bot.signing_keys"})},
}
SDK = "microsoft_agents"


def _modules(package: str, root: Path = ROOT) -> list[Path]:
    path = root / package
    return sorted(path.rglob("*.py")) if path.is_dir() else [root / f"{package}.py"]


def _imports(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level names of everything ``path`` imports (relative imports count as its own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.add(path.relative_to(root).parts[0])
            elif node.module:
                found.add(node.module.split(".")[0])
    return found


def _imported_modules(path: Path) -> set[str]:
    """Full dotted names of the modules ``path`` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module)
    return found


def wrong_arrows(package: str, root: Path = ROOT) -> list[str]:
    """Every import in ``package`` of one of our packages (or modules) it may not use."""
    wrong = []
    only = ONLY_MODULES.get(package, {})
    for path in _modules(package, root):
        for name in sorted(_imports(path, root) & OURS - {package} - ALLOWED[package]):
            wrong.append(f"{path.relative_to(root)} imports {name}")
        for module in sorted(_imported_modules(path)):
            top = module.split(".")[0]
            if top in only and module not in only[top]:
                wrong.append(f"{path.relative_to(root)} imports {module}")
    return wrong


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(package: str) -> None:
    wrong = wrong_arrows(package)
    assert not wrong, "layers must point down:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_only_the_bot_package_imports_the_agents_sdk(package: str) -> None:
    if package == "bot":
        return
    users = [str(p.relative_to(ROOT)) for p in _modules(package) if SDK in _imports(p)]
    assert not users, f"the Agents SDK is used outside bot/: {users}"


# The HTTP stack belongs to the bot, the tab and the wiring; below them nothing speaks HTTP
# itself (the Cosmos DB backend through its own SDK only).
WEB = frozenset({SDK, "aiohttp", "yarl", "multidict"})
NO_WEB = ("okr", "cards", "storage", "scheduling", "settings")


@pytest.mark.parametrize("package", NO_WEB)
def test_the_layers_below_the_bot_import_no_web_stack(package: str) -> None:
    users = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in _modules(package)
        for name in sorted(_imports(p) & WEB)
    ]
    assert not users, "\n".join(users)


def test_the_domain_imports_only_the_standard_library() -> None:
    wrong = []
    for path in _modules("okr"):
        for name in _imports(path) - {"okr", "__future__"}:
            if name not in sys.stdlib_module_names:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_arrow(tmp_path: Path) -> None:
    (tmp_path / "okr").mkdir()
    (tmp_path / "okr" / "pace.py").write_text("from cards.i18n import text\nimport okr.models\n")
    (tmp_path / "scheduling").mkdir()
    (tmp_path / "scheduling" / "rounds.py").write_text("from . import sender\nimport cards\n")
    assert wrong_arrows("okr", tmp_path) == ["okr/pace.py imports cards"]
    assert wrong_arrows("scheduling", tmp_path) == ["scheduling/rounds.py imports cards"]
    (tmp_path / "tab").mkdir()
    (tmp_path / "tab" / "api.py").write_text(
        "from bot.signing_keys import cloud_of\nfrom bot.auth import Caller\nimport app\n"
    )
    assert wrong_arrows("tab", tmp_path) == [
        "tab/api.py imports app",
        "tab/api.py imports bot.auth",
    ]
