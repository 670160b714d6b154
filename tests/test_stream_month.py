"""A metrics file beyond the Decimal reader's cap, evaluated in chunks (engine.stream_month): the bytes of
the Decimal path and of the in-memory columnar path wherever they run, or a located error saying why not.

Each test makes small files take the streaming path (the cap lowered to 0 bytes in this module) with a
chunk of a few rows, so every month here is one that all three paths evaluate: chunks split teams,
team means never end (S0's per-capita sales, S0.2), a column only a later chunk fills, a summary row
(合计) at the end, notes of joiners (S0.6) located in the file. What the streaming path cannot evaluate
(rows out of order, a summary row between data rows, a team value that differs, rankings, a line beyond
the longest row) is a located DataError, with nothing written.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest
from harness.cli import run
from harness.files import write_csv

import engine.stream_month as stream
from engine.columnar_month import _plan
from engine.month import Files, read_sources

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
HEADER = ["工号", "姓名", "月份", "组别", "岗位", "等级", "实际销售额", "人均计划销售额", "咨询人数", "下单人数",
          "有效客单价", "旺旺回复率", "首次响应时间", "平均售后花费", "有效处理售后个数", "缺勤天数", "迟到次数"]

# The shipped months whose policy has no ranking over the period's agents (S1, S4 rank: see below).
MONTHS = [
    ("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv"),
    ("s0_shop", "examples/careers/metrics-2026-10.csv", "examples/careers/roster.csv"),
    ("s0_shop", "examples/careers/metrics-2026-12.csv", "examples/careers/roster.csv"),
    ("s2_commission", "examples/s2/metrics.csv", None),
    ("s3_points", "examples/s3/metrics-2026-11.csv", None),
    ("template_scorecard", "examples/template/metrics.csv", None),
]


@pytest.fixture
def chunked(monkeypatch):
    """Every metrics file is beyond the cap; `chunked(n)` sets the chunk's rows."""
    monkeypatch.setattr(stream, "MAX_FILE_BYTES", 0)

    def rows(n: int) -> None:
        monkeypatch.setattr(stream, "CHUNK_ROWS", n)

    rows(2)
    return rows


def evaluate(policy: str, metrics: Path | str, roster: Path | str | None, *extra: object):
    args: list[object] = ["evaluate", "--policy", POLICIES / f"{policy}.yaml", "--metrics", ROOT / metrics]
    if roster:
        args += ["--roster", ROOT / roster]
    return run(*args, *extra)


def by_decimal(policy, metrics, roster, *extra):
    """The Decimal path's run, the cap as it is (the streaming path leaves it alone)."""
    return evaluate(policy, metrics, roster, *extra, "--engine", "decimal")


def streamed(policy, metrics, roster, *extra):
    found = evaluate(policy, metrics, roster, *extra, "--engine", "columnar", "-v")
    said = [line for line in found.stderr.splitlines() if line.startswith(("engine:", "计算方式："))]
    assert len(said) == 1 and "columnar" in said[0], found.stderr
    return found, [line for line in found.stderr.splitlines() if line not in said]


def assert_same(policy, metrics, roster, *extra):
    decimal = by_decimal(policy, metrics, roster, *extra)
    found, stderr = streamed(policy, metrics, roster, *extra)
    assert found.exit_code == decimal.exit_code == 0, found.output + decimal.output
    assert found.stdout_bytes == decimal.stdout_bytes
    assert stderr == decimal.stderr.splitlines()  # the same notes and warnings, rows as the file numbers them


@pytest.mark.parametrize(("policy", "metrics", "roster"), MONTHS)
@pytest.mark.parametrize("rows", [1, 2, 3, 7])
def test_a_shipped_month_in_chunks_gives_the_decimal_paths_bytes(chunked, policy, metrics, roster, rows):
    chunked(rows)
    for fmt, lang in (("csv", "zh"), ("csv", "en"), ("json", "zh")):
        assert_same(policy, metrics, roster, "--format", fmt, "--lang", lang)


def s0_rows(count: int, *, team_sizes=(1, 3, 7, 2, 6), names=True) -> list[list[object]]:
    """S0 rows in agent order, teams of the given sizes in turn; sales chosen so that a team's mean never
    ends (a third, a seventh) and values sit on the policy's band edges and rounding ties."""
    rows: list[list[object]] = []
    team, left = 0, team_sizes[0]
    for i in range(count):
        if not left:
            team += 1
            left = team_sizes[team % len(team_sizes)]
        left -= 1
        sales = ("100000.01", "150,000.00", "99999.99", "200000.005", "180000.33")[i % 5]
        reply = ("95.00%", "97.50%", "99.99%", "90%")[i % 4]
        rows.append([f"{5000 + i}", f"客服{i}" if names else "", "2026-10", f"{team}组",
                     ("正式", "试用期")[i % 2], ("A0", "A1", "A2", "A3", "A4")[i % 5], sales, "150,000.00",
                     1000 + i, 400 + (i * 37) % 500, "250.00", reply, ("25", "1分5秒", "18秒")[i % 3],
                     ("¥12.50", "9.50")[i % 2], 30 + i % 9, i % 2, i % 3])
    return rows


def write_s0(path: Path, rows: list[list[object]], *, title: bool = True) -> Path:
    return write_csv(path, ([["客服绩效月报"]] if title else []) + [HEADER, *rows], encoding="gb18030",
                     lineterminator="\r\n")


@pytest.mark.parametrize("rows", [1, 3, 5, 8, 64])
def test_teams_split_across_chunks_with_means_that_never_end(chunked, tmp_path, rows):
    """S0.2's team per-capita sales from the whole team's exact sum and count, whichever chunks hold it."""
    chunked(rows)
    metrics = write_s0(tmp_path / "big.csv", s0_rows(41))
    for fmt in ("csv", "json"):
        assert_same("s0_shop", metrics, None, "--format", fmt, "--lang", "zh")
    found, _ = streamed("s0_shop", metrics, None, "--format", "json")
    pay = {r["agent"]: r["pay"]["total"] for r in json.loads(found.stdout)["results"]}
    assert len(pay) == 41


def test_the_in_memory_columnar_path_gives_the_same_bytes(chunked, tmp_path, monkeypatch):
    metrics = write_s0(tmp_path / "big.csv", s0_rows(23))
    found, _ = streamed("s0_shop", metrics, None, "--format", "csv")
    monkeypatch.setattr(stream, "MAX_FILE_BYTES", 200 * 2**20)
    whole = evaluate("s0_shop", metrics, None, "--format", "csv", "--engine", "columnar", "-v")
    assert "columnar" in whole.stderr.splitlines()[-1]
    assert found.stdout_bytes == whole.stdout_bytes


def test_a_column_only_a_later_chunk_fills_is_shown_from_the_first_row(chunked, tmp_path):
    """Names blank in the first chunk, given in a later one: the report of the whole month shows the
    name column (engine.report.result_columns), so the chunks already written are written again with it."""
    chunked(3)
    rows = s0_rows(9)
    for row in rows[:5]:
        row[1] = ""
    metrics = write_s0(tmp_path / "big.csv", rows)
    assert_same("s0_shop", metrics, None, "--format", "csv", "--lang", "en")


def test_a_summary_row_at_the_end_is_skipped_and_noted_at_its_row(chunked, tmp_path):
    chunked(2)
    rows = [*s0_rows(5), ["合计", "", "", "", "", "", "800000.00"], []]
    metrics = write_s0(tmp_path / "big.csv", rows)
    decimal = by_decimal("s0_shop", metrics, None, "--format", "csv", "--lang", "en")
    assert "row 8: summary row '合计' skipped" in decimal.stderr
    assert_same("s0_shop", metrics, None, "--format", "csv", "--lang", "en")


def test_joiners_are_noted_at_their_rows_of_the_file(chunked, tmp_path):
    """S0.6: a row without a grade is evaluated at the entry grade and said, with the file's row number."""
    chunked(2)
    rows = s0_rows(6)
    for row in rows[3:]:
        row[5] = ""
    metrics = write_s0(tmp_path / "big.csv", rows)
    decimal = by_decimal("s0_shop", metrics, None, "--format", "csv", "--lang", "en")
    assert "row 8: agent 5005" in decimal.stderr
    assert_same("s0_shop", metrics, None, "--format", "csv", "--lang", "en")


def refusal(found) -> str:
    assert found.exit_code != 0 and not found.stdout_bytes
    return found.stderr


def test_rows_out_of_order_are_a_located_error(chunked, tmp_path):
    """Each chunk is sorted; chunks must follow one another in the report's order (month, then agent)."""
    rows = s0_rows(6)
    rows[4], rows[1] = rows[1], rows[4]
    metrics = write_s0(tmp_path / "big.csv", rows)
    said = refusal(evaluate("s0_shop", metrics, None, "--format", "csv", "--lang", "en", "--out", tmp_path / "o.csv"))
    assert "big.csv: row 5: " in said
    assert "rows 5–6 hold agent 5002 of 2026-10, which the report lists before agent 5004 of 2026-10" in said
    assert "order of month, then agent id" in said
    assert not (tmp_path / "o.csv").exists()
    zh = refusal(evaluate("s0_shop", metrics, None, "--format", "csv", "--lang", "zh"))
    assert "第 5–6 行中 2026-10 的客服 5002" in zh


def test_an_agent_twice_in_two_chunks_is_out_of_order(chunked, tmp_path):
    """In order, an agent cannot repeat: a repeat is out of order, or right after itself, said so."""
    rows = s0_rows(4)
    rows.append(list(rows[1]))
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", rows), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 7: " in said and "rows 7–7 hold agent 5001 of 2026-10, which the report lists before" in said
    rows[-1] = list(rows[3])
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", rows), None, "--lang", "zh", "--format", "csv"))
    assert "2026-10 的客服 5003 在文件中出现两次（第 7–7 行中再次出现）" in said


@pytest.mark.parametrize("rows", [2, 3])
def test_a_summary_row_between_data_rows_is_a_located_error(chunked, tmp_path, rows):
    """Between chunks, where no chunk sees data rows on both sides of it; near the top of the file the
    reference's own header search finds it first, with its own message."""
    chunked(rows)
    found = s0_rows(40)
    found.insert(33, ["合计", "", "", "", "", "", "800000.00"])
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", found), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 36: " in said and "a summary row (合计) between data rows" in said
    found = s0_rows(6)
    found.insert(2, ["合计", "", "", "", "", "", "800000.00"])
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", found), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 5: '合计' looks like a summary row, but data rows follow it (row 6)" in said


def test_a_team_value_that_differs_between_chunks_is_a_located_error(chunked, tmp_path):
    """S0.4: one per-capita target per team; chunks of one team giving two is refused, as the reader
    refuses two within one file."""
    rows = s0_rows(6, team_sizes=(6,))
    rows[4][7] = rows[5][7] = "160,000.00"
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", rows), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 7: " in said and "sales_target of team 0组 in 2026-10 differs from an earlier row's" in said


def test_a_ranking_over_the_period_is_refused_and_said_why(chunked):
    said = refusal(evaluate("s1_ranking", "examples/s1/metrics.csv", None, "--lang", "en", "--format", "csv"))
    assert "rankings or statistics over the period's agents need the whole month at once" in said
    assert "split the export by month or team" in said


def test_a_line_beyond_the_longest_row_is_a_located_error(chunked, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "MAX_LINE_BYTES", 300)
    rows = s0_rows(4)
    rows[2][1] = "长" * 200
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", rows), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 5: this row is longer than 300 bytes" in said


@pytest.mark.parametrize("rows", [2, 7, 100])
def test_a_line_beyond_the_longest_row_far_down_is_found_before_it_is_held(chunked, tmp_path, monkeypatch, rows):
    """Read a block at a time, a line that runs past MAX_LINE_BYTES is refused before more of it is read."""
    chunked(rows)
    monkeypatch.setattr(stream, "MAX_LINE_BYTES", 300)
    monkeypatch.setattr(stream, "_BLOCK", 256)
    found = s0_rows(45)
    found[40][1] = "长" * 400
    said = refusal(evaluate("s0_shop", write_s0(tmp_path / "big.csv", found), None, "--lang", "en", "--format", "csv"))
    assert "big.csv: row 43: this row is longer than 300 bytes" in said


def test_a_file_beyond_the_rows_cap_takes_the_streaming_path(tmp_path, monkeypatch):
    metrics = write_s0(tmp_path / "big.csv", s0_rows(8))
    assert not stream.beyond(str(metrics))
    monkeypatch.setattr(stream, "MAX_ROWS", 5)
    assert stream.beyond(str(metrics))


def test_chunks_hold_at_most_the_rows_and_bytes_asked_for(tmp_path):
    """The guard on untrusted files: a chunk is `rows` lines, or fewer where `size` bytes are reached."""
    metrics = write_s0(tmp_path / "big.csv", s0_rows(50))
    plan, _ = _plan(read_sources(Files(str(POLICIES / "s0_shop.yaml"), None)), None)
    layout = stream._layout(plan, str(metrics), "gb18030")
    chunks = list(stream._chunks(str(metrics), "gb18030", layout, 7, 10**9))
    assert [c.last - c.first + 1 for c in chunks] == [7] * 7 + [1]
    assert (chunks[0].first, chunks[-1].last) == (3, 52)
    small = list(stream._chunks(str(metrics), "gb18030", layout, 7, 300))  # a row is about 100 bytes
    assert all(c.last - c.first + 1 <= 4 for c in small) and len(small) > 12 and small[-1].last == 52
    assert all(a.last + 1 == b.first for a, b in itertools.pairwise(small))
    out = io.BytesIO()
    found = stream.stream_month(plan, str(metrics), None, None, "csv", "zh", out, rows=7, size=300)
    assert found.count == 50


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_month_in_chunks_is_written_to_out_from_its_temporary_file(chunked, tmp_path, fmt):
    """The streamed report is held in a temporary file, not in memory, then copied to `--out` whole (or
    nothing): the file has the Decimal path's bytes, and nothing else is left in the folder."""
    chunked(3)
    out = tmp_path / f"month.{fmt}"
    found, _ = streamed("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", "--format", fmt,
                        "--out", out)
    decimal = by_decimal("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", "--format", fmt)
    assert found.exit_code == 0, found.output
    assert out.read_bytes() == decimal.stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
