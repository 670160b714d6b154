"""The columnar reader (engine.data.frame_read) against the reference reader (engine.data.inputs.read_inputs).

For every file it accepts, the month it gives, turned back into AgentInputs, equals what the reference
reads (agents, months, facts, values equal as Decimals, how a fallback supplied them) with the same
notes; where the reference raises, it raises NotCovered. The shipped example months are checked one
by one (the S0 shop's and a bench_year-style export must be covered), and generated S0 exports with
random cells (malformed ones, band edges, blanks, aliases, huge and tiny values, both encodings).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import shlex
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import frame_read
from engine.data.frame_read import agent_inputs, read_month
from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.model.frames import NotCovered
from engine.month import plan_from
from tests.cpu_time import child_cpu_limit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_year import s0_row  # noqa: E402 (the benchmarks' own generator)

S0 = "policies/s0_shop.yaml"
HEADER = ["工号", "姓名", "月份", "组别", "实际销售额", "人均计划销售额", "咨询人数", "下单人数", "有效客单价",
          "旺旺回复率", "首次响应时间", "平均售后花费", "有效处理售后个数", "缺勤天数", "迟到次数"]


def _plan(policy: str, period: str | None = None):
    path = str(ROOT / policy)
    with open(path, "rb") as stream:
        return plan_from(stream.read(), path, period)[0]


def _compare(plan, metrics, roster=None, team=None, period=None, data=None) -> bool:
    """Whether the columnar reader covered the files (asserting it read them as the reference did)."""
    first, *more = (metrics,) if isinstance(metrics, str) else metrics
    try:
        expected = read_inputs(plan, first, roster=roster, team=team, period=period, more=more)
    except DataError:
        expected = None
    try:
        month = read_month(plan, metrics, roster, team, data=data, period=period)
    except NotCovered as refused:
        assert refused.zh and str(refused)
        return False
    assert expected is not None, "the reference refused a file the columnar reader read"
    theirs = sorted((replace(i, source="") for i in expected.agents), key=lambda i: (i.period, i.agent))
    mine = agent_inputs(plan, month)
    assert mine == theirs
    for one, other in zip(mine, theirs, strict=True):  # a number as a Decimal, a choice as its id
        assert all(isinstance(one.values[k], Decimal) == isinstance(other.values[k], Decimal) for k in other.values)
        # A column the reader calls even gives the reference's Decimals exponent and all (what a trace shows).
        assert [(k, one.values[k].as_tuple()) for k in sorted(month.even)] == [
            (k, other.values[k].as_tuple()) for k in sorted(month.even)]
    assert list(month.notes) == list(expected.notes)
    assert month.frame["period"].to_list() == [i.period for i in mine]
    return True


# -- the shipped examples ---------------------------------------------------------------------------------


def _example_months() -> list[tuple[str, tuple[str, ...], str | None, str | None, str | None]]:
    """(policy, metrics files, roster, team file, period) of every evaluation the golden files run."""
    found = set()
    for commands in sorted((ROOT / "tests" / "golden").glob("*/commands.txt")):
        for line in commands.read_text(encoding="utf-8").splitlines():
            if not line.startswith("$ jixiao ") or "--metrics" not in line:
                continue
            words = shlex.split(line[2:])
            flags: dict[str, list[str]] = {}
            for flag, value in itertools.pairwise(words):
                if flag.startswith("--"):
                    flags.setdefault(flag, []).append(value)
            metrics = tuple(flags["--metrics"])
            if not all((ROOT / path).is_file() for path in metrics):  # made by the golden script itself
                continue
            one = {flag: values[0] for flag, values in flags.items()}
            found.add((one["--policy"], metrics, one.get("--roster"), one.get("--team-file"), one.get("--period")))
    found |= {("policies/s1_ranking.yaml", ("examples/s1/chitu-2026-10.csv", "examples/s1/reviews-2026-10.csv"),
               None, None, None),
              ("policies/s1_ranking.yaml", ("examples/s1/metrics-2026-11.csv",), None, None, "2026-11"),
              ("policies/s2_roster.yaml", ("examples/roster/metrics.csv",), "examples/roster/roster.csv", None, None),
              ("examples/s2/policy-v2.yaml", ("examples/s2/metrics.csv",), None, None, None),
              ("policies/s4_path.yaml", ("examples/s4/metrics-2026-11.csv",), "examples/s4/roster-2026-11.csv",
               None, None)}
    return sorted(found, key=repr)


EXAMPLES = _example_months()
MUST_COVER = {("policies/s0_shop.yaml", ("examples/s0/metrics.csv",)),
              *{("policies/s0_shop.yaml", (f"examples/careers/metrics-{m}.csv",))
                for m in ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03")}}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: " ".join(p for p in (*e[1], e[2]) if p))
def test_every_example_month_is_read_as_the_reference_reads_it_or_not_covered(example, monkeypatch):
    policy, metrics, roster, team, period = example
    monkeypatch.chdir(ROOT)
    covered = _compare(_plan(policy, period), metrics if len(metrics) > 1 else metrics[0], roster, team, period)
    if (policy, metrics) in MUST_COVER:
        assert covered


def test_the_examples_cover_the_s0_shop_and_its_careers():
    assert {(e[0], e[1]) for e in EXAMPLES} >= MUST_COVER


def test_bytes_held_by_the_caller_are_read_not_the_disk(tmp_path, monkeypatch):
    """`data` is what engine.month read once: the path need not exist on disk any more."""
    monkeypatch.chdir(ROOT)
    plan = _plan(S0)
    held = {"gone/metrics.csv": (ROOT / "examples/s0/metrics.csv").read_bytes(),
            "gone/roster.csv": (ROOT / "examples/s0/roster.csv").read_bytes(), "gone/events.csv": b"kept"}
    month = read_month(plan, "gone/metrics.csv", "gone/roster.csv", None, data=held)
    assert month.frame.height == 12
    assert held == {"gone/events.csv": b"kept"}  # the files it read are handed over, to be let go once parsed
    assert month.notes[-1] == "gone/metrics.csv: row 16: summary row '合计' skipped"
    first = agent_inputs(plan, month)[0]
    assert (first.agent, first.grade, first.role, first.values["sales"], first.values["reply_rate"]) == (
        "1001", "A3", "agent", Decimal("180000.00"), Decimal("0.9750"))


@pytest.mark.parametrize(("what", "args"), [
    ("an XLSX export", ("examples/s0/metrics.xlsx", "examples/s0/roster.csv", None)),
    ("two metrics files", (("examples/s0/metrics.csv", "examples/s0/metrics.csv"), None, None)),
    ("a team file", ("examples/s0/metrics.csv", "examples/s0/roster.csv", "examples/s0/roster.csv")),
])
def test_what_it_does_not_read_is_not_covered(what, args, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(NotCovered):
        read_month(_plan(S0), *args)


def test_the_roster_read_beside_the_metrics_refuses_as_it_would_alone(monkeypatch):
    """The roster is read in a second thread while the metrics file is read: its refusal still reaches the
    caller, and where both files are refused the metrics file's refusal is the one raised, as it was when
    they were read one after the other."""
    monkeypatch.chdir(ROOT)
    plan = _plan(S0)
    with pytest.raises(NotCovered, match=r"a \.xlsx file"):
        read_month(plan, "examples/s0/metrics.csv", "examples/s0/metrics.xlsx", None)
    with pytest.raises(NotCovered, match=r"a \.xlsx file"):
        read_month(plan, "examples/s0/metrics.xlsx", "examples/s0/README.md", None)
    with pytest.raises(NotCovered, match=r"a \.md file"):
        read_month(plan, "examples/s0/metrics.csv", "examples/s0/README.md", None)


# -- S0 exports written like bench_year.py's ------------------------------------------------------------


def _export(rows: list[list[object]], encoding: str, title: str | None = "客服绩效月报", header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    if title is not None:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _roster(agents: int, grades=("A0", "A1", "A2", "A3", "A4"), roles=("正式", "试用期")) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["工号", "姓名", "岗位", "等级", "组别"])
    for i in range(agents):
        writer.writerow([f"{100000 + i}", f"客服{i}", roles[i % len(roles)], grades[i % len(grades)], f"{i // 25}组"])
    return out.getvalue().encode("utf-8-sig")


def bench_rows(agents: int, months: tuple[str, ...] = ("2026-10",), seed: int = 2026) -> list[list[object]]:
    """Rows as benchmarks/bench_year.py writes them."""
    import random

    rng = random.Random(seed)
    return [s0_row(rng, i, month) for month in months for i in range(agents)]


def _held(tmp_path: Path, metrics: bytes, roster: bytes | None) -> tuple[str, str | None, dict[str, bytes]]:
    paths = (str(tmp_path / "metrics.csv"), str(tmp_path / "roster.csv"))
    data = {paths[0]: metrics, **({paths[1]: roster} if roster is not None else {})}
    for path, raw in data.items():
        Path(path).write_bytes(raw)
    return paths[0], paths[1] if roster is not None else None, data


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_a_bench_year_export_is_covered(tmp_path, encoding):
    metrics, roster, data = _held(tmp_path, _export(bench_rows(60, ("2026-10", "2026-11")), encoding), _roster(60))
    assert _compare(_plan(S0), metrics, roster, data=data)


def test_a_large_export_reads_its_many_distinct_cells_as_columns(tmp_path, monkeypatch):
    """Past DISTINCT distinct texts, ids, names and numbers of a strict form are read as columns."""
    monkeypatch.setattr(frame_read, "DISTINCT", 100)
    rows = bench_rows(300)
    for i, row in enumerate(rows):  # costs mostly plain (a strict form), a few with ¥ (read by the reference)
        row[11] = row[11] if i % 50 == 0 else row[11].lstrip("¥")
    rows[5][4], rows[6][4], rows[7][10], rows[8][9] = "-12.5", "0", "1分5秒", "100%"
    metrics, roster, data = _held(tmp_path, _export(rows, "gb18030"), _roster(300))
    assert _compare(_plan(S0), metrics, roster, data=data)


@pytest.mark.parametrize("ratios", [("90%", "100%", "0%"), ("90%", "0.975"), ("97.5%", "1"), ("0.9", "1", "0")])
def test_a_column_of_ratios_reads_at_the_places_of_its_cells(tmp_path, ratios):
    """`90%` is 0.90 however few places the column's other cells have (S0.1's reply-rate bands at 0.9 and 0.98)."""
    rows = bench_rows(len(ratios) * 2)
    for i, row in enumerate(rows):
        row[9] = ratios[i % len(ratios)]
    metrics, roster, data = _held(tmp_path, _export(rows, "gb18030"), _roster(len(rows)))
    plan = _plan(S0)
    assert _compare(plan, metrics, roster, data=data)
    got = [i.values["reply_rate"] for i in agent_inputs(plan, read_month(plan, metrics, roster, None, data=data))]
    assert got == [Decimal(r[:-1]) / 100 if r.endswith("%") else Decimal(r) for r in (row[9] for row in rows)]


@pytest.mark.parametrize(("at", "header", "cells"), [
    (10, "首次响应时间(分)", ("1.5", "0.25", "2", "1分5秒")),
    (10, "首次响应时间（小时）", ("0.01", "1", "0.005")),
    (4, "实际销售额(万元)", ("18", "1.5", "12,000", "0.00001")),
    (9, "旺旺回复率(%)", ("97.5", "90", "100", "98.40%")),
    (9, "旺旺回复率(%)", ("97.5", "101")),
])
def test_a_header_unit_multiplies_the_strict_forms_as_the_reference_reads_them(
        tmp_path, monkeypatch, at, header, cells):
    monkeypatch.setattr(frame_read, "DISTINCT", 12)  # the ¥ costs by the reference, the cells here as columns
    rows = bench_rows(len(cells) * 2)
    for i, row in enumerate(rows):
        row[at] = cells[i % len(cells)]
    named = [header if i == at else text for i, text in enumerate(HEADER)]
    metrics, roster, data = _held(tmp_path, _export(rows, "utf-8", header=named), _roster(len(rows)))
    assert _compare(_plan(S0), metrics, roster, data=data) is (cells[-1] != "101")


@pytest.mark.parametrize("blank", [0, 2])
def test_a_team_value_left_blank_on_one_row_is_not_covered(tmp_path, blank):
    """S0.4's per-capita target on every row of a team but one: which row counts is not the columnar
    reader's guess. (The reference reads a blank on the team's last row as a target of 0 for the whole team.)"""
    rows = bench_rows(3)
    rows[blank][5] = ""
    metrics, roster, data = _held(tmp_path, _export(rows, "gb18030"), _roster(3))
    with pytest.raises(NotCovered):
        read_month(_plan(S0), metrics, roster, None, data=data)


def test_a_large_export_with_a_malformed_cell_is_not_covered(tmp_path, monkeypatch):
    monkeypatch.setattr(frame_read, "DISTINCT", 100)
    rows = bench_rows(300)
    rows[77][4] = "12,34.00"
    metrics, roster, data = _held(tmp_path, _export(rows, "gb18030"), _roster(300))
    assert not _compare(_plan(S0), metrics, roster, data=data)


# -- generated S0 exports -----------------------------------------------------------------------------------


def _mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A cell as exports write it, and one time in eighty a doubtful one."""
    return st.integers(1, 80).flatmap(lambda k: bad if k == 37 else good)  # no edge: hypothesis favours those


_MESSY = st.sampled_from(["", "-", "—", " ", "N/A", "延迟统计", "1e5", "NaN", "12,34", "１２３", " 12 ", "+5", ".5",
                          "5.", "0.000000000000000000001", "9" * 20, "-0", "1,234.5.6", "¥-5", "--", "12元", "∞"])
_MONEY = _mostly(st.one_of(
    st.integers(0, 10**9).map(lambda n: f"{n // 100}.{n % 100:02d}"),
    st.integers(0, 10**9).map(lambda n: f"{n // 100:,}.{n % 100:02d}"),
    st.integers(0, 10**5).map(lambda n: f"¥{n // 100}.{n % 100:02d}"),
    st.decimals(min_value=-10**3, max_value=10**13, allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["150", "149.99", "150.00", "200", "250", "250.0001", "10", "50", "0", "999999999999999.99",
                     "0.0000001", "12.50", "1,080.00"])), _MESSY)
_RATIOS = _mostly(st.one_of(
    st.integers(0, 10000).map(lambda n: f"{n // 100}.{n % 100:02d}%"),
    st.sampled_from(["0.9", "0.95", "0.98", "90%", "95.00%", "98%", "100%", "0.975", "89.999%", "0"])),
    st.sampled_from(["", "-", "97.5 %", "97,5%", "-1%", "９７％", "%", "1e-2", "1.5"]))
_DURATIONS = _mostly(st.one_of(
    st.integers(0, 200).map(str),
    st.integers(0, 200).map(lambda s: f"{s // 60}分{s % 60}秒" if s >= 60 else f"{s}秒"),
    st.sampled_from(["00:00:45", "1:05", "20", "60", "20.5", "19.999"])),
    st.sampled_from(["1分65秒", "-5", "", "二十秒", "1e2"]))
_COUNTS = _mostly(st.one_of(st.integers(0, 2000).map(str), st.sampled_from(["1,200", "0", "40", "41"])),
                  st.sampled_from(["3.0", "-1", "2.5", "12人", "1.200", "", "-"]))
_BLANK_COUNTS = _mostly(st.sampled_from(["0", "1", "2", "40", "41", "", "-", "—"]),
                        st.sampled_from(["3.0", "-1", "N/A"]))
_TEAMS = _mostly(st.sampled_from(["一组", "二组"]), st.sampled_from(["", "-", "Team A", "一组 ", "１组"]))
_PERIODS = _mostly(st.sampled_from(["2026-10", "2026/10", "2026年10月", "202610"]),
                   st.sampled_from(["2026-13", "", "2025-10", "10月", "2026-11"]))
_NAMES = _mostly(st.one_of(st.integers(0, 99).map(lambda n: f"客服{n}"), st.sampled_from(["王晓梅", "Ana María", "A"])),
                 st.sampled_from([" 张伟 ", "-", "N/A", "", "ｗａｎｇ", "null", "无"]))
_WEIRD_IDS = st.sampled_from(["１００１", "1001 ", "n/a", "", "店铺:小美", "A-1", "1001\u200b", "Total", "合计", "-"])


@st.composite
def _s0_rows(draw) -> list[list[object]]:
    """S0 rows; a file's ratios and amounts sometimes all of one short form (`90%`, `150`): a column's scale
    is then that of its fewest places."""
    count = draw(st.integers(1, 8))
    ratios = draw(st.sampled_from([_RATIOS, st.sampled_from(["90%", "100%", "0%", "95%"]),
                                   st.sampled_from(["0.9", "1", "0", "0.5"])]))
    amounts = draw(st.sampled_from([_MONEY, st.sampled_from(["150", "200", "1,080", "0"])]))
    ids = draw(st.lists(st.integers(1000, 1039), min_size=count, max_size=count, unique=True))
    rows = []
    for agent in ids:
        rows.append([draw(_mostly(st.just(str(agent)), _WEIRD_IDS)), draw(_NAMES), draw(_PERIODS), draw(_TEAMS),
                     draw(_MONEY), draw(_mostly(st.sampled_from(["150,000", "150000.00", "150,000.00"]),
                                                st.sampled_from(["", "1e5", "140,000"]))),
                     draw(_COUNTS), draw(_COUNTS), draw(amounts), draw(ratios), draw(_DURATIONS), draw(_MONEY),
                     draw(_BLANK_COUNTS), draw(_BLANK_COUNTS), draw(_BLANK_COUNTS)])
    if draw(st.integers(0, 3)) == 0:  # a blank or summary row, anywhere (the reference refuses a summary between)
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from([
            ["合计", "", "", "", "1000"], [], ["", "", ""], ["Total:"], ["  "], ["平均值", "1"], [" ", *[""] * 14]])))
    return rows


@st.composite
def _rosters(draw) -> bytes:
    """A roster of agents 1000–1039, and one time in four one fault in it (an agent left out or listed twice, a
    role or grade no one declared)."""
    rows = [[str(agent), draw(st.sampled_from(["", "王晓梅", "-"])),
             draw(st.sampled_from(["正式", "试用期", "正式客服", "agent"])),
             draw(st.sampled_from(["A0", "A1", "A2", "A3", "A4", ""])), draw(st.sampled_from(["", "一组", "二组"]))]
            for agent in range(1000, 1040)]
    if draw(st.integers(0, 3)) == 0:
        at, fault = draw(st.integers(0, 39)), draw(st.sampled_from(["left out", "twice", "实习", "A9"]))
        if fault == "left out":
            del rows[at]
        elif fault == "twice":
            rows.append(list(rows[at]))
        else:
            rows[at][2 if fault == "实习" else 3] = fault
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["工号", "姓名", "岗位", "等级", "组别"], *rows])
    return out.getvalue().encode("utf-8-sig")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_s0_rows(), encoding=st.sampled_from(["gb18030", "utf-8", "utf-8-sig"]),
       title=st.sampled_from([None, "客服绩效月报", "统计时间: 2026-10-01 ~ 2026-10-31",
                              "统计时间: 2026-11-01 ~ 2026-11-30"]),
       roster=_rosters(), distinct=st.sampled_from([frame_read.DISTINCT, 6]))
def test_generated_s0_exports_are_read_as_the_reference_reads_them_or_not_covered(
        tmp_path, monkeypatch, rows, encoding, title, roster, distinct):
    monkeypatch.setattr(frame_read, "DISTINCT", distinct)  # 6: ids, names and numbers take the strict forms' path too
    try:
        metrics_bytes = _export(rows, encoding, title)
    except UnicodeEncodeError:
        return
    metrics, roster_path, data = _held(tmp_path, metrics_bytes, roster)
    _compare(_plan(S0), metrics, roster_path, data=data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([b"", b"\r\n1001,a,2026-10", b'\n"1001\n"']))
def test_arbitrary_bytes_after_a_header_are_read_as_the_reference_reads_them_or_not_covered(
        tmp_path, raw, suffix):
    head = ",".join(HEADER).encode("gb18030") + b"\r\n"
    metrics, _, data = _held(tmp_path, head + raw + suffix, None)
    _compare(_plan("policies/template_scorecard.yaml"), metrics, data=data)


@pytest.mark.parametrize(("cell", "covered"), [
    ("100.00%", True), ("100.01%", False), ("90.00%", True), ("89.99%", False), ("0.9", True), ("0.8999", False),
    ("99.99%", True), ("99.990%", True), ("-", False)])
def test_a_range_and_a_declared_placeholder_hold_on_the_strict_forms_path_too(tmp_path, monkeypatch, cell, covered):
    """A metric's `range:` is checked on whole numbers exactly at its bounds, and a declared placeholder wins
    over its reading as a number (99.99% reads as the 0.5 declared for it, outside the range or not)."""
    monkeypatch.setattr(frame_read, "DISTINCT", 1)
    plan = _plan("policies/template_scorecard.yaml")
    bounded = replace(plan, metrics=tuple(
        replace(m, range=(Decimal("0.9"), Decimal("1")), placeholders={"99.99%": Decimal("0.5")})
        if m.name == "reply_rate" else m for m in plan.metrics))
    lines = list(csv.reader((ROOT / "examples/template/metrics.csv").read_text(encoding="utf-8-sig").splitlines()))
    lines[1][lines[0].index("客服回复率")] = cell
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    metrics, _, data = _held(tmp_path, out.getvalue().encode("utf-8"), None)
    assert _compare(bounded, metrics, data=data) is covered


def test_reading_a_small_month_does_not_import_polars():
    """`jixiao evaluate` of a small CSV: the module is imported lazily, polars only when it reads."""
    code = ("import sys; import engine.data.frame_read; "
            "assert 'polars' not in sys.modules, 'polars imported'; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                          preexec_fn=child_cpu_limit(60))
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_module_names_no_float():
    """No value of the reader ever passes through a float."""
    source = (ROOT / "engine/data/frame_read.py").read_text(encoding="utf-8")
    assert not re.search(r"float\(|Float64|Float32|to_float|cast\(float", source)


# -- the order of the rows and the roster beside them ---------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(ids=st.lists(st.one_of(st.from_regex(r"[0-9]{1,17}", fullmatch=True), st.from_regex(r"[0-9A-Z]{1,4}",
                                                                                        fullmatch=True)),
                    min_size=1, max_size=30, unique=True),
       months=st.lists(st.sampled_from(["2026-10", "2026-11"]), min_size=1, max_size=30))
def test_rows_are_put_in_the_order_of_their_texts(ids, months):
    """Digit ids sort by a whole-number key (`10` < `100` < `19` < `9`, as texts); any other id as text."""
    import polars as pl

    periods = [months[i % len(months)] for i in range(len(ids))]
    frame = pl.DataFrame({"agent": ids, "period": periods, "row": list(range(len(ids)))})
    got = frame_read._in_order(frame)
    assert list(zip(got["period"], got["agent"], strict=True)) == sorted(zip(periods, ids, strict=True))


@pytest.mark.parametrize("ids", [["10", "100", "19", "9", "1000", "0", "00"], ["10", "100", "A1", "9"]])
def test_an_agent_twice_in_a_month_is_not_covered_whatever_its_id(ids):
    import polars as pl

    frame = pl.DataFrame({"agent": [*ids, ids[2]], "period": ["2026-10"] * (len(ids) + 1)})
    with pytest.raises(NotCovered):
        frame_read._in_order(frame)
    assert frame_read._in_order(frame.head(len(ids)))["agent"].to_list() == sorted(ids)


@pytest.mark.parametrize("ids", [["0", "00", "10", "100", "1000", "19", "9"],
                                 ["10", "100", "9", "A1", "a", "客服", "𠀀"]])
def test_ids_already_in_the_order_of_their_texts_are_kept_and_an_id_twice_side_by_side_not_covered(ids):
    """A month whose ids come in text order (an export sorted by 工号) is kept as it is; the same id twice
    beside itself is not covered, as when the rows are sorted."""
    import polars as pl

    assert ids == sorted(ids)
    frame = pl.DataFrame({"agent": ids, "period": ["2026-10"] * len(ids), "row": list(range(len(ids)))})
    assert frame_read._in_order(frame)["agent"].to_list() == ids
    twice = pl.DataFrame({"agent": [*ids[:3], ids[2], *ids[3:]], "period": ["2026-10"] * (len(ids) + 1)})
    with pytest.raises(NotCovered):
        frame_read._in_order(twice)


@pytest.mark.parametrize("roster_order", ["same", "reversed", "one more", "one less", "twice"])
def test_ids_of_every_length_in_any_order_with_the_roster_beside_or_apart(tmp_path, roster_order):
    """A file whose ids are not in text order (9 < 10 as numbers) is sorted as the reference sorts; a roster
    in the file's own order is put beside it, any other is joined (an agent missing or twice: not covered)."""
    ids = [9, 10, 99, 100, 101, 1000, 19, 2, 100000, 12345678901234567]
    rows = bench_rows(len(ids))
    for row, agent in zip(rows, ids, strict=True):
        row[0] = str(agent)
    roster = [["工号", "姓名", "岗位", "等级", "组别"]] + [[str(a), f"客服{a}", "正式", "A1", "一组"] for a in ids]
    if roster_order == "reversed":
        roster[1:] = roster[:0:-1]
    elif roster_order == "one more":
        roster.append(["7", "客服7", "正式", "A1", "一组"])
    elif roster_order == "one less":
        del roster[3]
    elif roster_order == "twice":
        roster[-1] = roster[1]
    out = io.StringIO()
    csv.writer(out).writerows(roster)
    metrics, roster_path, data = _held(tmp_path, _export(rows, "gb18030"), out.getvalue().encode("utf-8"))
    covered = _compare(_plan(S0), metrics, roster_path, data=data)
    assert covered is (roster_order in ("same", "reversed", "one more"))


# -- the file's bytes ---------------------------------------------------------------------------------------


def test_a_gb18030_file_whose_first_bytes_are_ascii_is_read_as_gb18030(tmp_path):
    """The first UTF8_PROBE bytes pass for UTF-8; polars then finds a line that is not, and the file is read as
    the reference decodes it (GB18030): the Chinese name far down is read right."""
    rows = bench_rows(2000)
    for row in rows[:-1]:
        row[1], row[3], row[10], row[11] = f"agent{row[0]}", "A", "20", "12.50"
    raw = _export(rows, "gb18030", title=None, header=[str(i) for i in range(len(HEADER))])
    head = ",".join(HEADER).encode("gb18030") + b"\r\n"
    body = raw.split(b"\r\n", 1)[1]
    assert body[:frame_read.UTF8_PROBE].isascii() and not body.isascii()
    metrics, roster, data = _held(tmp_path, head + body, _roster(2000))
    plan = _plan(S0)
    assert _compare(plan, metrics, roster, data=data)
    assert agent_inputs(plan, read_month(plan, metrics, roster, None, data=data))[-1].name == "客服1999"


@pytest.mark.parametrize(("where", "covered"), [
    ("none", True), ("bom", True), ("second bom", False), ("cr in a cell", False), ("cr at the end", False),
    ("cr cr lf", False), ("lf only", True), ("control in a cell", False), ("x01 in a cell", False),
    ("nul in a cell", False), ("tab in a cell", True), ("control in the title", False), ("blank lines", True),
    ("chinese first cell", True)])
def test_line_ends_and_control_characters(tmp_path, where, covered):
    """What polars and Python's csv module could split apart (a CR not before an LF, a control character) is
    never a data row and makes the file NotCovered; what both read alike is read."""
    rows = bench_rows(6)
    raw = _export(rows, "utf-8")
    lines = raw.split(b"\r\n")
    if where == "bom":
        raw = codecs.BOM_UTF8 + raw
    elif where == "second bom":
        raw = codecs.BOM_UTF8 * 2 + raw
    elif where == "cr in a cell":
        raw = raw.replace("客服3".encode(), "客服\r3".encode())
    elif where == "cr at the end":
        raw += b"\r"
    elif where == "cr cr lf":
        raw = raw.replace(b"\r\n", b"\r\r\n", 3)
    elif where == "lf only":
        raw = b"\n".join(lines)
    elif where in ("control in a cell", "x01 in a cell", "nul in a cell", "tab in a cell"):
        char = {"control in a cell": b"\x1b", "x01 in a cell": b"\x01", "nul in a cell": b"\x00",
                "tab in a cell": b"\t"}[where]
        raw = raw.replace("客服3".encode(), "客服".encode() + char + b"3")
    elif where == "control in the title":
        raw = raw.replace("月报".encode(), "月\x07报".encode())
    elif where == "blank lines":
        raw = b"\r\n".join([*lines[:4], b"", *lines[4:], b""])
    elif where == "chinese first cell":
        raw = raw.replace(b"\r\n100002,", "\r\n工100002,".encode())
    roster = _roster(6)
    if where == "chinese first cell":  # a data row the expression leaves to Python's csv module
        roster = roster.replace(b"\r\n100002,", "\r\n工100002,".encode())
    metrics, roster_path, data = _held(tmp_path, raw, roster)
    assert _compare(_plan(S0), metrics, roster_path, data=data) is covered


@pytest.mark.parametrize("cell", ["-9223372036854775808", "9223372036854775807", "-9223372036854775809",
                                  "999999999999999", "-999999999999999", "1000000000000000", "-1000000000000000",
                                  "-922337203685477.5808", "99999999999999.99"])
def test_numerals_at_the_edges_of_64_bits_and_15_digits(tmp_path, cell):
    """A strict numeral near ±2**63 or 10**15 is read as the reference reads it (below 10**15) or not
    covered; -2**63, whose absolute value 64 bits cannot hold, is never let through."""
    rows = bench_rows(4)
    rows[1][4] = cell
    metrics, roster, data = _held(tmp_path, _export(rows, "utf-8"), _roster(4))
    value = abs(Decimal(cell))
    scale = max(2, -value.as_tuple().exponent)  # the column's other cells have two places
    assert _compare(_plan(S0), metrics, roster, data=data) is (value < 10**15 and value.scaleb(scale) < 10**18)


@pytest.mark.parametrize("cell", ["0", "007", "1,000", "999,999,999,999,999", "999999999999999", "1000000000000000",
                                  "9223372036854775807", "9223372036854775808", "99999999999999999999999"])
def test_a_count_is_read_as_a_whole_number_at_the_edges_of_64_bits_and_15_digits(tmp_path, cell):
    """A count's strict numeral (digits, or digits in groups of three) is cast straight to a whole number: read
    as the reference reads it below 10**15, not covered from there on (past 64 bits too)."""
    rows = bench_rows(4)
    rows[1][6] = cell  # 咨询人数, a count
    metrics, roster, data = _held(tmp_path, _export(rows, "utf-8"), _roster(4))
    assert _compare(_plan(S0), metrics, roster, data=data) is (int(cell.replace(",", "")) < 10**15)


@pytest.mark.parametrize("fault", ["none", "invalid byte far down", "lead byte before a line end", "bom as gb18030",
                                   "utf-16"])
def test_a_gb18030_file_is_read_as_the_reference_decodes_it(tmp_path, fault):
    """A byte that is not GB18030 anywhere, or a byte-order mark the decoding gives, is not covered; a UTF-16
    file is decoded by the reference's own decode."""
    rows = bench_rows(40)
    raw = _export(rows, "utf-16" if fault == "utf-16" else "gb18030")
    if fault == "invalid byte far down":
        raw = raw.replace("客服37".encode("gb18030"), b"\x8037")
    elif fault == "lead byte before a line end":
        at = [i for i in range(len(raw)) if raw.startswith(b"\r\n", i)][25]
        raw = raw[:at] + b"\x81" + raw[at:]
    elif fault == "bom as gb18030":
        raw = "\ufeff".encode("gb18030") + raw
    metrics, roster, data = _held(tmp_path, raw, _roster(40))
    assert _compare(_plan(S0), metrics, roster, data=data) is (fault in ("none", "utf-16"))


# A first cell led by a CJK ideograph: a nickname (S1's 小一, the roster desk's 店铺:小美) is a data row read
# as a column, a summary label (合计, 平均值:, "小计") is skipped and noted as the reference does, anything
# else of such a row goes to the reference's own judgement; no CJK-led row costs a Python step.
_CJK_FIRST = st.one_of(
    st.sampled_from(["小一", "店铺:小美", "合计", "合计:", "合计::", "平均", "平均值", "均值:", "小计", "总计x",
                     "汇总1", "合计：", "合计 ", "平均,值", '"合计"', '"店铺:小美"', '"小一,二"', "小一\t", "合计A"]),
    st.text(alphabet=st.sampled_from(list("合计平均值小一店铺:：A9 -_.,#\"")), min_size=1, max_size=6)
    .map(lambda s: "小" + s))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(firsts=st.lists(_CJK_FIRST, min_size=1, max_size=6), at_end=st.booleans())
def test_rows_led_by_a_cjk_ideograph_are_read_as_the_reference_reads_them_or_not_covered(
        tmp_path, monkeypatch, firsts, at_end):
    monkeypatch.setattr(frame_read, "DISTINCT", 1)  # one odd row at most (the month's one text is a column's)
    lines = ["客服昵称,月份,询单->最终付款转化率,满意度"]
    lines += [f"{first},2026-10,{50 + i}.50%,9{i}.00%" for i, first in enumerate(firsts)]
    lines += ["合计,,55.00%,95.00%"] if at_end else []
    metrics, _, data = _held(tmp_path, ("\r\n".join(lines) + "\r\n").encode("gb18030"), None)
    covered = _compare(_plan("policies/s1_ranking.yaml", "2026-10"), metrics, period="2026-10", data=data)
    cell = r'[\u4e00-\u9fff][!#-+\--~\u4e00-\u9fff]*'
    plain = all(re.fullmatch(f'"{cell}"|{cell}', f) for f in firsts)  # quoted whole or not at all (not `小"`)
    agents = {first.strip('"') for first in firsts}
    labels = {"合计", "总计", "汇总", "小计", "平均", "平均值", "均值"}
    plain = plain and not any(agent.rstrip(":") in labels for agent in agents)
    if plain and not at_end and len(firsts) > 1 and len(agents) == len(firsts):
        assert covered  # plain nicknames and labels: told by the expression, no row judged in Python


def test_a_large_s1_month_of_chinese_nicknames_is_covered(tmp_path, monkeypatch):
    """S1's 赤兔 export at scale: every nickname starts with an ideograph; none is judged in Python."""
    monkeypatch.setattr(frame_read, "DISTINCT", 1)
    made = subprocess.run([sys.executable, ROOT / "benchmarks" / "scale_examples.py", "s1", "400", tmp_path],
                          capture_output=True, text=True, check=True)
    args = made.stdout.splitlines()
    metrics = args[args.index("--metrics") + 1]
    assert _compare(_plan("policies/s1_ranking.yaml"), metrics)


# -- a GB18030 file carried undecoded (engine.data.gb18030_carried) ----------------------------------------------


@pytest.mark.parametrize(("name", "covered"), [
    ("客服丂@", True),  # 丂 is 0x81 0x40: its trail byte is '@'
    ("乗\\客服", True),  # 乗 is 0x81 0x5C: its trail byte is '\'
    ("晘兀", True),  # 0x95 0x7E and 0xFE 0x40: trail bytes '~' and '@'
    ("ä𠀀", True),  # 4-byte characters, their 2nd and 4th bytes digits
    ("客服,一", True),  # quoted whole, a comma inside
    ("客服·€", True),
    ('客服"一"', False),  # a quote inside a quoted cell: no plain CSV line
])
@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_a_carried_gb18030_file_reads_its_multibyte_cells_as_the_reference_decodes_them(
        tmp_path, name, covered, line_end):
    """Whatever bytes a GB18030 character has (an ASCII trail byte, a 4-byte character), a comma, quote, CR or
    LF in the bytes is the character itself: the lines and cells polars finds in the carried bytes are the text's,
    and each cell restored is the reference's."""
    rows = bench_rows(30)
    rows[7][1] = name
    rows[9][3] = name  # a team too (an id): its form is told on the restored text
    raw = _export(rows, "gb18030").replace(b"\r\n", line_end.encode())
    roster_rows = "工号,岗位,等级\r\n" + "".join(f"{100000 + i},正式,A1\r\n" for i in range(30))  # no name, no team
    metrics, roster, data = _held(tmp_path, raw, roster_rows.encode("utf-8"))
    plan = _plan(S0)
    assert _compare(plan, metrics, roster, data=data) is covered
    if covered:
        month = read_month(plan, metrics, roster, None, data=data)
        assert month.frame["name"][7] == name and month.frame["team"][9] == name


@pytest.mark.parametrize(("fault", "covered"), [
    ("ascii body", True),  # Chinese in the title and header only: nothing to restore below them
    ("invalid byte in a column not read", False),
    ("invalid byte in a summary row", False),
    ("invalid byte in the title", False),
    ("invalid byte in a number cell", False),
    ("lone lead byte ending a name", False),
    ("summary row in Chinese", True),
    ("utf-8 bom then gb18030", None),  # whatever the reference makes of it, or not covered
])
def test_every_byte_of_a_carried_gb18030_file_is_asked_whether_it_is_gb18030(tmp_path, fault, covered):
    """The reference decodes the whole file: a byte that is not GB18030 anywhere (a column the policy does not
    read, a summary row, the title, a number) is not covered, exactly as when the file was decoded whole."""
    rows = bench_rows(30)
    header, title = list(HEADER), "客服绩效月报"
    if fault == "ascii body":
        for row in rows:
            row[1], row[3], row[10], row[11] = f"agent{row[0]}", "A", "20", "12.50"
    if fault == "invalid byte in a column not read":
        header.append("备注")
        rows = [[*row, "好"] for row in rows]
    raw = _export(rows, "gb18030", title=title, header=header)
    if fault == "invalid byte in a column not read":
        raw = raw.replace("好".encode("gb18030"), b"\x80", 1)
    elif fault == "invalid byte in a summary row":
        raw += "合计,,,,1,,,,,,,,,,\r\n".encode("gb18030").replace(b",1,", b",\xff,")
    elif fault == "summary row in Chinese":
        raw += "合计,,,,1,,,,,,,,,,\r\n".encode("gb18030")
    elif fault == "invalid byte in the title":
        raw = raw.replace("月报".encode("gb18030"), b"\x81\x7f", 1)
    elif fault == "invalid byte in a number cell":
        raw = raw.replace(f",{rows[5][6]},".encode(), f",{rows[5][6]}\x80,".encode("latin-1"), 1)
    elif fault == "lone lead byte ending a name":
        raw = raw.replace("客服12,".encode("gb18030"), "客服12".encode("gb18030") + b"\x81,", 1)
    elif fault == "utf-8 bom then gb18030":
        raw = codecs.BOM_UTF8 + raw
    metrics, roster, data = _held(tmp_path, raw, _roster(30))
    found = _compare(_plan(S0), metrics, roster, data=data)
    assert found is covered or covered is None


def test_restored_cells_are_the_gb18030_texts_of_their_bytes():
    """One call of the codec for a column's cells past ASCII; a repeating column decodes each text once;
    an ASCII cell and a null stay as they are; a byte that is not GB18030 raises, as decoding would."""
    import polars as pl

    from engine.data import gb18030_carried

    texts = ["客服一", None, "A12", "丂@", "ä", "二组"]
    carried = pl.Series("c", [None if t is None else t.encode("gb18030").decode("latin-1") for t in texts])
    assert gb18030_carried.restored(carried).to_list() == texts
    teams = [f"{i % 7}组" for i in range(gb18030_carried.SAMPLE * 2)]  # few distinct texts: each decoded once
    many = pl.Series("t", [t.encode("gb18030").decode("latin-1") for t in teams])
    assert gb18030_carried.restored(many).to_list() == teams
    assert gb18030_carried.carried("客服,1\n".encode("gb18030")).decode("utf-8").count(",") == 1
    with pytest.raises(UnicodeDecodeError):
        gb18030_carried.restored(pl.Series("c", ["A", "\x80"]))
    with pytest.raises(UnicodeDecodeError):
        gb18030_carried.restored(pl.Series("c", ["客".encode("gb18030").decode("latin-1") + "\x81"]))


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.one_of(
    st.sampled_from(["-", "—", "－", "延迟统计", "--", "n/a", "NA", "nUlL", "NONE", "/", "暂无", "无数据", "空", ""]),
    st.text(alphabet=st.sampled_from(list("nNaAuUlLoOeE/-—－kKsS\u212a\u017f延迟统计暂无数据空 x")), max_size=5)),
    min_size=1, max_size=40))
def test_no_value_texts_in_any_case_are_the_case_blind_expression_s(texts):
    """The set of every case of the no-value texts tells a cell as the case-blind regular expression over
    them does (polars' own `(?i)`, Unicode's simple case folding: K and ſ included)."""
    import polars as pl

    blind = "(?i)^(?:" + "|".join(re.escape(text) for text in frame_read._NO_VALUE if text) + ")$"
    cells = pl.Series(texts)
    assert cells.is_in(frame_read._NO_VALUE_CASES).to_list() == cells.str.contains(blind).to_list()


@pytest.mark.parametrize(("cells", "even"), [
    (("350.00", "12345.67", "0.50"), True),
    (("350", "12345.67"), False),  # S2's export: 350 beside 12345.67 (held as 350.00)
    (("-0.00", "12.50"), False),  # the reference keeps the sign of -0.00; a whole number cannot
    (("-12.50", "0.00"), True),
    (("¥46.16", "12.50"), True),  # read by the reference: its Decimal's places are the column's
    (("¥46.1", "12.50"), False),
])
def test_a_column_is_even_where_each_value_has_its_scales_places(tmp_path, cells, even):
    """Issue 19: explain by columns shows inputs rebuilt from whole numbers; only an even column's are the
    reference's Decimals exponent and all (checked against the reference for every file in `_compare`)."""
    rows = bench_rows(len(cells) * 2)
    for i, row in enumerate(rows):
        row[11] = cells[i % len(cells)]
    metrics, roster, data = _held(tmp_path, _export(rows, "utf-8"), _roster(len(rows)))
    plan = _plan(S0)
    assert _compare(plan, metrics, roster, data=dict(data))
    assert ("after_sales_cost" in read_month(plan, metrics, roster, None, data=data).even) is even


@pytest.mark.parametrize(("at", "cell", "by_lines"), [
    (None, None, True),  # every number cell of a strict form: each told once, by its line
    (6, "-", False),  # S0's inquiries missing on one row past the sample: every cell asked in its column
    (6, "1,234", True),  # a thousands separator (quoted by the writer) is a strict form too
    (4, "1,2345.00", False),  # not one: read by the reference
    (9, "97.5 %", False),
])
def test_number_columns_told_strict_by_their_lines_read_as_the_reference_reads_them(tmp_path, monkeypatch, at, cell,
                                                                                    by_lines):
    """Issue 19: the number columns whose first lines are all of a strict form are asked of every line at once
    (`_strict_candidates`, `_rows`); a line that is not (a cell past the sample, a 合计 row) changes nothing
    read, only how."""
    monkeypatch.setattr(frame_read, "STRICT_SAMPLE", 8)
    told = []
    read_columns = frame_read._read_columns
    monkeypatch.setattr(frame_read, "_read_columns", lambda columns, cells, carried=False, strict=frozenset():
                        told.append((len(columns), strict)) or read_columns(columns, cells, carried, strict))
    rows = bench_rows(40)
    if at is not None:
        rows[30][at] = cell
    total = ["合计", "", "", "", "1,000.00", "", "", "", "", "", "", "", "", "", ""]
    metrics, roster, data = _held(tmp_path, _export([*rows, total], "gb18030"), _roster(40))
    _compare(_plan(S0), metrics, roster, data=data)
    metrics_file = max(told)[1]  # the roster is read beside it, with fewer columns
    assert bool(metrics_file) is by_lines


def test_lines_told_out_of_their_order_are_refused_never_read(tmp_path, monkeypatch):
    """The data rows are told by the streaming engine, whose output keeps the lines' order; were it ever not
    to, the file is not covered (the Decimal path reads it), never read with its rows' facts swapped."""
    import polars as pl

    collect = pl.LazyFrame.collect

    def shuffled(self, *args, **kwargs):
        found = collect(self, *args, **kwargs)
        return found.reverse() if kwargs.get("engine") == "streaming" and "data" in found.columns else found

    monkeypatch.setattr(pl.LazyFrame, "collect", shuffled)
    metrics, roster, data = _held(tmp_path, _export(bench_rows(5), "utf-8"), _roster(5))
    with pytest.raises(NotCovered, match="lines told out of their order"):
        read_month(_plan(S0), metrics, roster, None, data=data)
