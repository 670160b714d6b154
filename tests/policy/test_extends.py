"""`extends:` (engine.policy.extends): a policy derived from a base, overriding key by key, with
`remove:`; every problem in the file that introduced it; the sha256 covers the chain."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from harness.paths import S2_METRICS, S2_POLICY

from engine.errors import PolicyError
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_policy

REGION = """# the region: a higher commission
extends: base.yaml
policy:
  id: s2-region
pay:
  commission:
    rate: 0.03
"""
SHOP = """extends: region/region.yaml
remove: [kpis.satisfaction]
policy:
  id: s2-shop
  version: "1.1"
kpis:
  served:
    weight: 40
"""


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """shop.yaml → region/region.yaml → region/base.yaml (S2)."""
    (tmp_path / "region").mkdir()
    (tmp_path / "region" / "base.yaml").write_bytes(S2_POLICY.read_bytes())
    (tmp_path / "region" / "region.yaml").write_text(REGION, encoding="utf-8")
    (tmp_path / "shop.yaml").write_text(SHOP, encoding="utf-8")
    return tmp_path


def test_three_files_resolve_by_deep_override_and_removal(chain):
    doc = load_policy(chain / "shop.yaml")
    data = doc.data
    assert "extends" not in data and "remove" not in data
    assert (data["policy"]["id"], data["policy"]["version"], data["policy"]["currency"]) == ("s2-shop", "1.1", "CNY")
    assert data["pay"]["commission"]["rate"] == Decimal("0.03")
    assert data["pay"]["commission"]["base"] == "sales"  # kept from the base, beside the overridden rate
    assert list(data["kpis"]) == ["served", "conversion", "response_time"]
    assert data["kpis"]["served"]["weight"] == 40 and data["kpis"]["served"]["linear"]["to"] == 300
    assert list(check(doc)) == []


def test_an_error_in_the_middle_file_names_the_middle_file_and_its_line(chain):
    (chain / "region" / "region.yaml").write_text(REGION.replace("rate: 0.03", "rate: '3%'"), encoding="utf-8")
    found = list(check(load_policy(chain / "shop.yaml")))
    assert [(d.file, d.line, d.column, d.code) for d in found] == [
        (str(chain / "region" / "region.yaml"), 7, 11, "JX103")]
    result = run("validate", chain / "shop.yaml", "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout == f"{chain}/region/region.yaml:7:11: JX103 pay.commission.rate must be a number, got text " \
                            "'3%'\n"


def test_a_problem_from_each_file_is_located_in_that_file(chain):
    """The weights no longer sum (shop.yaml wrote 40) is the shop's; the base's keys keep the base's lines."""
    (chain / "shop.yaml").write_text(SHOP.replace("remove: [kpis.satisfaction]\n", ""), encoding="utf-8")
    found = list(check(load_policy(chain / "shop.yaml")))
    assert [(d.file, d.line, d.column, d.code) for d in found] == [(str(chain / "shop.yaml"), 5, 1, "JX204")]


def test_a_syntax_error_in_a_base_names_the_base(chain):
    (chain / "region" / "base.yaml").write_text("jixiao: 1\npolicy: [\n", encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(chain / "shop.yaml")
    assert caught.value.diagnostics[0].file == str(chain / "region" / "base.yaml")
    assert caught.value.diagnostics[0].code == "JX001"


def test_a_missing_base_is_located_at_the_extends_that_names_it(chain):
    (chain / "region" / "region.yaml").write_text(REGION.replace("base.yaml", "nope.yaml"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(chain / "shop.yaml")
    [d] = caught.value.diagnostics
    assert (d.file, d.line, d.column, d.code) == (str(chain / "region" / "region.yaml"), 2, 10, "JX018")
    assert d.message == f"extends: cannot read the base policy {chain}/region/nope.yaml: No such file or directory"
    assert d.zh.startswith("extends：无法读取基础方案 ")


def test_a_cycle_is_located_at_the_extends_that_closes_it(chain):
    (chain / "region" / "region.yaml").write_text(REGION.replace("base.yaml", "../shop.yaml"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(chain / "shop.yaml")
    [d] = caught.value.diagnostics
    assert (d.file, d.line, d.code) == (str(chain / "region" / "region.yaml"), 2, "JX019")
    assert d.message.startswith(f"extends: {chain}/region/../shop.yaml is already in the chain ({chain}/shop.yaml → ")


def test_a_file_extending_itself_is_a_cycle(tmp_path):
    (tmp_path / "p.yaml").write_text("extends: p.yaml\n", encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "p.yaml")
    assert [d.code for d in caught.value.diagnostics] == ["JX019"]


@pytest.mark.parametrize(("text", "code", "line"), [
    ("extends: base.yaml\nremove: [pay.bonus]\n", "JX020", 2),
    ("extends: base.yaml\nremove: pay.commission\n", "JX020", 2),
    ("remove: [pay.commission]\n", "JX020", 1),
    ("extends: [base.yaml]\n", "JX018", 1),
])
def test_removing_what_the_base_lacks_and_malformed_keys_are_located(tmp_path, text, code, line):
    (tmp_path / "base.yaml").write_bytes(S2_POLICY.read_bytes())
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "p.yaml")
    [d] = caught.value.diagnostics
    assert (d.file, d.line, d.code) == (str(tmp_path / "p.yaml"), line, code)


def test_the_sha256_covers_the_resolved_content_and_names_every_file(chain):
    doc = load_policy(chain / "shop.yaml")
    own = hashlib.sha256((chain / "shop.yaml").read_bytes()).hexdigest()
    assert doc.sha256 != own
    assert [name for name, _ in doc.chain] == [str(chain / "shop.yaml"), str(chain / "region" / "region.yaml"),
                                                str(chain / "region" / "base.yaml")]
    assert doc.chain[0][1] == own
    assert compile_policy(doc).policy.sha256 == doc.sha256
    before = doc.sha256
    base = chain / "region" / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert load_policy(chain / "shop.yaml").sha256 != before  # any file of the chain changes the stamp


def test_the_sha256_is_the_same_wherever_jixiao_runs(chain, monkeypatch):
    first = load_policy(chain / "shop.yaml").sha256
    monkeypatch.chdir(chain / "region")
    assert load_policy("../shop.yaml").sha256 == first


def test_a_policy_without_extends_keeps_its_file_sha256():
    assert load_policy(S2_POLICY).sha256 == hashlib.sha256(S2_POLICY.read_bytes()).hexdigest()
    assert load_policy(S2_POLICY).chain == ()


def test_validate_evaluate_and_explain_take_the_derived_file(chain):
    assert run("validate", chain / "shop.yaml").exit_code == 0
    result = run("evaluate", "-p", chain / "shop.yaml", "-m", S2_METRICS, "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    assert '"id": "s2-shop"' in result.stdout
    assert '"commission": "729.00"' in result.stdout  # 3 % of 24,300.00 (the region's rate)
    explained = run("explain", "--full", "-p", chain / "shop.yaml", "-m", S2_METRICS, "--agent", "3002", "--lang", "en")
    assert explained.exit_code == 0
    lines = explained.stdout.split("\n")
    assert "  Base pay (base) = 3000.00 CNY   [region/base.yaml line 94]" in lines
    assert "  Sales commission (commission) = 729.00 CNY   [S2.3 · region/region.yaml line 6]" in lines
    assert "      = sales × 0.03" in lines
    zh = run("explain", "--full", "-p", chain / "shop.yaml", "-m", S2_METRICS, "--agent", "3002").stdout
    assert "[region/base.yaml 第 94 行]" in zh


def test_test_coverage_names_the_base_file_of_an_item_never_reached(chain):
    (chain / "shop.yaml").write_text("extends: region/region.yaml\npolicy: {id: s2-shop}\n", encoding="utf-8")
    (chain / "cases.yaml").write_text(
        "name: shop\npolicy: shop.yaml\nperiod: 2026-10\ninputs:\n  metrics: |\n"
        "    工号,姓名,月份,接待人数,询单人数,成交人数,销售额,响应时长,满意度\n"
        "    z,丙,2026-10,0,0,0,0,60秒,70%\nexpected:\n  headcount: 1\n", encoding="utf-8")
    result = run("test", chain / "cases.yaml", "--lang", "en")
    band = S2_POLICY.read_text(encoding="utf-8").split("\n").index("      - {from: 0.8, to: 0.9, points: 10}") + 1
    assert result.exit_code == 0
    assert f"{chain}/region/base.yaml:{band}: no test reaches band kpis.satisfaction.bands[1]" in result.stdout


def test_the_generated_code_locates_each_step_in_the_file_it_came_from(chain):
    """`# step · rule · file:line` names the base a rule was taken from, as explain does."""
    from engine.pipeline import prepare

    plan, _ = prepare(str(chain / "shop.yaml"))
    lines = plan.source.splitlines()
    assert any(line.endswith("# base · - · region/base.yaml:94") for line in lines)
    assert any(line.endswith("# commission · S2.3 · region/region.yaml:6") for line in lines)
