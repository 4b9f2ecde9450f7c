"""Run the npm test tools (Microsoft's card library, the manifest schemas) from Python.

``./dev test`` installs them (``npm ci``). A missing ``node`` or ``node_modules``
fails the test with the command that fixes it, instead of skipping the check.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def node_json(script: Path, *args: str, stdin: str | None = None, timeout: float = 60) -> Any:
    """Run ``node script args...`` in the project root and parse the JSON it prints."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (Node.js >= 20) is needed for this check: install it, then ./dev test")
    for package in ("adaptivecards", "@microsoft/app-manifest"):
        if not (NODE_MODULES / package / "package.json").is_file():
            pytest.fail(f"npm package {package} is missing: run `npm ci` (./dev test does)")
    done = subprocess.run(
        [node, str(script), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"{script.name} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)
