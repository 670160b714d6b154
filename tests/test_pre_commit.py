"""The shipped pre-commit hooks (.pre-commit-hooks.yaml), tried for real: pre-commit itself runs them
against a temporary git repository holding a shop's policy and its tests, from this checkout
(`pre-commit try-repo`, which takes the working tree as it is). The hooks are `language: system`, so
nothing is installed or downloaded: they run the `jixiao` of this environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness.paths import POLICIES, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and a git checkout of jixiao")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A shop's repository: policies/shop.yaml (S2) and policies/tests/shop.yaml (its cases)."""
    repo = tmp_path / "shop"
    (repo / "policies" / "tests").mkdir(parents=True)
    shutil.copy(POLICIES / "s2_commission.yaml", repo / "policies" / "shop.yaml")
    cases = (POLICIES / "tests" / "s2_commission.yaml").read_text(encoding="utf-8")
    (repo / "policies" / "tests" / "shop.yaml").write_text(
        cases.replace("policy: ../s2_commission.yaml", "policy: ../shop.yaml"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def environment(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),  # this jixiao
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent),
    })
    return env


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=environment(repo), capture_output=True)


def hook(repo: Path, name: str) -> subprocess.CompletedProcess:
    git(repo, "add", "-A")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), name, "--all-files",
                           "--color", "never"], cwd=repo, env=environment(repo), capture_output=True, text=True)


def test_the_three_hooks_pass_on_a_clean_policy_with_its_tests(shop):
    for name, title in (("jixiao-validate", "jixiao validate"), ("jixiao-lint", "jixiao lint"),
                        ("jixiao-test", "jixiao test")):
        result = hook(shop, name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"\n{title}." in result.stdout and result.stdout.rstrip().endswith("Passed")


def test_validate_fails_the_commit_on_an_invalid_policy_naming_file_line_and_code(shop):
    policy = shop / "policies" / "shop.yaml"
    at = policy.read_text(encoding="utf-8").split("\n").index("    rate: 0.02") + 1
    policy.write_text(policy.read_text(encoding="utf-8").replace("rate: 0.02", "rate: 2%"), encoding="utf-8")
    result = hook(shop, "jixiao-validate")
    assert result.returncode == 1
    assert f"policies/shop.yaml:{at}:11: JX103 pay.commission.rate" in result.stdout


def test_lint_fails_the_commit_on_a_rate_of_0_2_meant_as_0_2_percent(shop):
    policy = shop / "policies" / "shop.yaml"
    at = policy.read_text(encoding="utf-8").split("\n").index("    rate: 0.02") + 1
    policy.write_text(policy.read_text(encoding="utf-8").replace("rate: 0.02", "rate: 0.2"), encoding="utf-8")
    assert hook(shop, "jixiao-validate").returncode == 0  # valid: only lint sees it
    result = hook(shop, "jixiao-lint")
    assert result.returncode == 1
    assert f"policies/shop.yaml:{at}:11: JX503 " in result.stdout


def test_test_fails_the_commit_when_a_case_no_longer_holds(shop):
    cases = shop / "policies" / "tests" / "shop.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("payroll: 9300.00", "payroll: 9300.01"),
                     encoding="utf-8")
    result = hook(shop, "jixiao-test")
    assert result.returncode == 1
    assert "9300.01" in result.stdout and "9300.00" in result.stdout


def test_the_documented_workflow_runs_validate_lint_test_and_comments_the_diff():
    """docs/ci.md's GitHub Actions workflow is valid YAML and does what README says it does."""
    import re

    import yaml

    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    for command in ("jixiao validate policies/*.yaml --format github",
                    "jixiao lint policies/*.yaml --strict --format github",
                    "jixiao test policies/tests --format github --min-coverage 100",
                    "--format markdown --out diff.md", "gh pr comment"):
        assert command in runs, command
    assert workflow["permissions"]["pull-requests"] == "write"
    config = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    hooks = {h["id"] for h in config["repos"][0]["hooks"]}
    shipped = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks == shipped == {"jixiao-validate", "jixiao-lint", "jixiao-test"}
