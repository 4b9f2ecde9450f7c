"""The Teams manifest and the cards agree on the app's name."""

from __future__ import annotations

import json
from pathlib import Path

from cards.help import APP_NAME


def test_help_names_the_app_as_the_manifest_does() -> None:
    manifest = json.loads((Path(__file__).parents[2] / "manifest" / "manifest.json").read_text())
    assert manifest["name"]["short"] == APP_NAME
