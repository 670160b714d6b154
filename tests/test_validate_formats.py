"""`jixiao validate --format json|github`: the same problems as the text, for tools and for annotations
on the lines of a pull request; exit 1 with an error, 0 when clean, whatever the format."""

from __future__ import annotations

import json

from harness.cli import run
from harness.paths import S2_POLICY

BAD = "jixiao: 1\npolicy:\n  id: x\n  version: '1'\n  name: {zh: 坏, en: Bad}\n  effective_from: 2026-10-01\n"


def test_json_lists_every_problem_with_its_place_code_and_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = run("validate", bad, S2_POLICY, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    # metrics: and pay: are missing (kpis: and score: are optional since issue 16: S4 has no scorecard)
    assert (data["files"], data["errors"], data["warnings"]) == (2, 2, 0)
    assert data["problems"][0] == {"file": str(bad), "line": 1, "column": 1, "code": "JX102", "severity": "error",
                                   "message": "the policy is missing required key 'metrics'", "hint": ""}
    zh = json.loads(run("validate", bad, "--format", "json").stdout)
    assert zh["problems"][0]["message"] == "方案文件 缺少必需的键 'metrics'"


def test_github_annotates_each_problem_on_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = run("validate", bad, "--format", "github", "--lang", "en")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"::error file={bad},line=1,col=1,title=JX102::the policy is missing required key 'metrics'"
    assert len(lines) == 2  # metrics: and pay:


def test_a_clean_policy_exits_0_in_every_format():
    for fmt in ("json", "github"):
        result = run("validate", S2_POLICY, "--format", fmt)
        assert result.exit_code == 0
    assert json.loads(run("validate", S2_POLICY, "--format", "json").stdout)["problems"] == []
    assert run("validate", S2_POLICY, "--format", "github").stdout == ""
