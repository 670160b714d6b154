"""What a non-editable install ships: every package of the engine, so `pip install .` runs what the
tests run (engine.model was once left out of the list, which only an editable install hid)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_engine_package_is_listed_for_the_distribution() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    present = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "engine").rglob("__init__.py")}
    assert listed == present
