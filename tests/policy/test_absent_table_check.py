"""JX236 (issue 16 items 4 and 6): a table keyed by a choice that may be blank (`missing: absent`) needs a
row `absent` saying what an agent not assessed is paid; a `default:` never stands for her (S4.1).
The evaluation side is tests/run/test_absent_tables.py."""

from __future__ import annotations

from harness.cli import run

from tests.run.test_absent_tables import POLICY

WITHOUT = "    values: {excellent: 300, pass: 100, fail: 0}"
DEFAULT_ONLY = "    values: {excellent: 300}\n    default: 0"


def _policy(tmp_path, rows: str) -> str:
    path = tmp_path / "absent-table.yaml"
    path.write_text(POLICY.format(rows=rows), encoding="utf-8")
    return str(path)


def test_JX236_a_table_without_the_absent_row_is_refused_at_its_values(tmp_path):
    path = _policy(tmp_path, WITHOUT)
    found = run("validate", path)
    assert found.exit_code == 1
    assert f"{path}:14:5: JX236" in found.output and "JX236" in found.output and "'absent'" in found.output
    english = run("validate", path, "--lang", "en")
    assert ("'assessment' may be blank (missing: absent, 未考核), but this table has no row for an agent not "
            "assessed: 'absent'") in english.output


def test_a_default_does_not_stand_for_an_agent_not_assessed(tmp_path):
    found = run("validate", _policy(tmp_path, DEFAULT_ONLY), "--lang", "en")
    assert found.exit_code == 1 and "JX236" in found.output and "JX239" not in found.output
