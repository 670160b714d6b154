"""A policy derived with `extends:` through the ledger: `jixiao run` keeps every file of the chain
(each base as a run input `policy_base1`, `policy_base2`, its bytes kept once), so a month re-shown
after a base was edited is rebuilt from the bases that paid it.

The chain of tests/policy/test_extends.py: shop.yaml → region/region.yaml (commission 3 %, S2.3) →
region/base.yaml (S2, base pay 3000). Agent 3002 小吴 sells 24,300.00: commission 729.00.
"""

from __future__ import annotations

from pathlib import Path

from harness.cli import json_of, results_by_agent, run
from harness.paths import S2_METRICS, S2_POLICY

REGION = ("# the region: a higher commission\nextends: base.yaml\npolicy:\n  id: s2-region\npay:\n  commission:\n"
          "    rate: 0.03\n")
SHOP = ("extends: region/region.yaml\nremove: [kpis.satisfaction]\npolicy:\n  id: s2-shop\n  version: \"1.1\"\n"
        "kpis:\n  served:\n    weight: 40\n")


def chain(folder: Path) -> Path:
    (folder / "region").mkdir()
    (folder / "region" / "base.yaml").write_bytes(S2_POLICY.read_bytes())
    (folder / "region" / "region.yaml").write_text(REGION, encoding="utf-8")
    (folder / "shop.yaml").write_text(SHOP, encoding="utf-8")
    return folder / "shop.yaml"


def month(folder: Path, period: str) -> Path:
    path = folder / f"metrics-{period}.csv"
    path.write_text(S2_METRICS.read_text(encoding="utf-8").replace("2026-10", period), encoding="utf-8")
    return path


def test_a_three_file_chain_is_recorded_and_re_shown_as_it_paid_S2_3(db, tmp_path):
    shop = chain(tmp_path)
    done = run("run", "--period", "2026-10", "-p", shop, "-m", S2_METRICS, "--db", db, "--lang", "en")
    assert done.exit_code == 0, done.output
    [recorded] = json_of(run("runs", "--db", db, "--format", "json"))["runs"]
    assert {k: v["path"] for k, v in recorded["inputs"].items()} == {
        "metrics": str(S2_METRICS), "policy_base1": str(tmp_path / "region" / "region.yaml"),
        "policy_base2": str(tmp_path / "region" / "base.yaml")}
    assert (recorded["policy"]["id"], recorded["policy"]["version"]) == ("s2-shop", "1.1")
    october = results_by_agent(run("show", "--period", "2026-10", "--db", db, "--format", "json"))["3002"]
    assert october["pay"] == {"total": "3729.00", "components": {"base": "3000.00", "commission": "729.00"}}

    # The base is edited (base pay 3100): the same month is no longer the same files, and November pays 3100.
    base = tmp_path / "region" / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("amount: 3000", "amount: 3100"), encoding="utf-8")
    again = run("run", "--period", "2026-10", "-p", shop, "-m", S2_METRICS, "--db", db, "--lang", "en")
    assert again.exit_code == 1 and again.stderr.endswith("add --supersede\n")
    done = run("run", "--period", "2026-11", "-p", shop, "-m", month(tmp_path, "2026-11"), "--db", db)
    assert done.exit_code == 0, done.output
    november = results_by_agent(run("show", "--period", "2026-11", "--db", db, "--format", "json"))["3002"]
    assert november["pay"]["components"] == {"base": "3100.00", "commission": "729.00"}

    # October re-shown after November: its own bases, 3000, its sha256 naming the chain as it was.
    shown = json_of(run("show", "--period", "2026-10", "--db", db, "--format", "json"))
    assert results_by_agent(run("show", "--period", "2026-10", "--db", db, "--format", "json"))["3002"]["pay"] \
        == october["pay"]
    later = json_of(run("show", "--period", "2026-11", "--db", db, "--format", "json"))
    assert shown["policy"]["sha256"] != later["policy"]["sha256"]
    explained = run("show", "--period", "2026-10", "--agent", "3002", "--full", "--db", db, "--lang", "en")
    assert explained.exit_code == 0, explained.output
    lines = explained.stdout.split("\n")
    assert "  Base pay (base) = 3000.00 CNY   [region/base.yaml line 94]" in lines
    assert "  Sales commission (commission) = 729.00 CNY   [S2.3 · region/region.yaml line 6]" in lines

    # Every base deleted: the ledger still shows October and November from the bytes it kept.
    for path in (base, tmp_path / "region" / "region.yaml"):
        path.unlink()
    assert results_by_agent(run("show", "--period", "2026-10", "--db", db, "--format", "json"))["3002"]["pay"] \
        == october["pay"]
    history = json_of(run("history", "3002", "--db", db, "--format", "json"))
    assert [(m["period"], m["pay"]["components"]["base"]) for m in history["months"]] == [
        ("2026-10", "3000.00"), ("2026-11", "3100.00")]


def test_a_month_of_a_chain_is_evaluated_again_from_the_bytes_its_run_kept_S2_3(db, tmp_path):
    """`run --recompute` reads the kept bases beside the kept inputs (it used to fail sorting the bases
    among the inputs: "This is a bug"), with the base edited on disk since: what paid the month is kept."""
    shop = chain(tmp_path)
    assert run("run", "--period", "2026-10", "-p", shop, "-m", S2_METRICS, "--db", db).exit_code == 0
    base = tmp_path / "region" / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("amount: 3000", "amount: 3100"), encoding="utf-8")
    again = run("run", "--period", "2026-10", "--recompute", "--db", db, "--lang", "en")
    assert (again.exit_code, again.stdout) == (0, "2026-10 evaluated again: the same results as run 1; no new run "
                                                  "was recorded\n")
    october = results_by_agent(run("show", "--period", "2026-10", "--db", db, "--format", "json"))["3002"]
    assert october["pay"]["components"]["base"] == "3000.00"


def test_plan_names_the_file_of_each_rule_of_a_chain(tmp_path):
    shop = chain(tmp_path)
    text = run("plan", shop, "--lang", "en").stdout.split("\n")
    base = next(line for line in text if line.startswith("v") and " base " in line)
    commission = next(line for line in text if line.startswith("v") and " commission " in line)
    assert "region/base.yaml:94" in base and "region/region.yaml:6" in commission
