"""`jixiao diff` of two derived policies (`extends:`, issue 17): a structural change a base file made is
located in that base file, named as `jixiao plan` names it (`region/base.yaml`), never as a line of the
derived file; a change the derived file made itself keeps its plain line."""

from __future__ import annotations

import shutil

from harness.cli import json_of, run
from harness.paths import S2_METRICS

from tests.policy.test_extends import chain  # noqa: F401  (the three-file chain fixture)


def _versions(chain_dir):
    """The old chain, and a copy whose base pays 3100 (S2.3's base pay) and whose shop is version 1.2."""
    new = chain_dir.parent / f"{chain_dir.name}-new"
    shutil.copytree(chain_dir, new)
    base = new / "region" / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("amount: 3000", "amount: 3100"), encoding="utf-8")
    shop = new / "shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace('version: "1.1"', 'version: "1.2"'), encoding="utf-8")
    return chain_dir / "shop.yaml", shop


def test_a_change_in_a_base_is_located_in_the_base_file(chain):  # noqa: F811
    old, new = _versions(chain)
    found = json_of(run("diff", old, new, "--metrics", S2_METRICS, "--format", "json"))
    edits = {edit["path"]: edit for edit in found["structure"]}
    assert edits["pay.base"] == {"change": "changed", "path": "pay.base", "old_line": 94, "new_line": 94,
                                 "keys": ["amount"], "old_file": "region/base.yaml", "new_file": "region/base.yaml"}
    assert edits["policy.version"] == {"change": "changed", "path": "policy.version", "old_line": 5, "new_line": 5,
                                       "keys": []}


def test_the_text_names_the_base_file_in_both_languages(chain):  # noqa: F811
    old, new = _versions(chain)
    english = run("diff", old, new, "--metrics", S2_METRICS, "--lang", "en")
    assert english.exit_code == 0, english.output
    assert "pay.base (old region/base.yaml line 94 → new region/base.yaml line 94): amount" in english.stdout
    assert "policy.version (old line 5 → new line 5)" in english.stdout
    chinese = run("diff", old, new, "--metrics", S2_METRICS)
    assert "修改 pay.base (原 region/base.yaml 第 94 行 → 新 region/base.yaml 第 94 行): amount" in chinese.stdout
