"""The starter policy `jixiao init` writes: a commented example of every main construct.

The texts live in engine/templates/ (one file per language) and are shipped as package data; a
test holds each to validating clean and evaluating a small export.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def starter_policy(lang: str) -> bytes:
    """The starter policy in `lang` (zh or en), as the bytes to write."""
    return (TEMPLATES / f"starter.{'zh' if lang == 'zh' else 'en'}.yaml").read_bytes()
