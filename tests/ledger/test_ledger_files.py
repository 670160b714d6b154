"""Files and the ledger handled like a careful program handles them (issue 14, section 7).

- `--out` is a regular file or a new name: a symbolic link, a FIFO, a device, the ledger (`--db`)
  or an input file is refused before any work, by the file's identity (another path, a hard link),
  and left as it was.
- Another program's SQLite file, a text `schema_version`, a missing column, a value in a row that
  is not what jixiao writes: one line saying the file is not a jixiao ledger, or is damaged and
  where, and to restore it from a backup.
- `runs`, `history` and `show` open the ledger read-only: an empty file is "no ledger here" and
  stays empty; a ledger is never changed by reading it.
- `show` and `history` never print two amounts for one agent-month: pay lines, evaluated total,
  manual adjustments, recorded total, the run's total and the trace are checked to agree.
- Decoding a trace costs the values it holds, not a syntax tree of its text; `history` reads none.
- Stored names and reasons are echoed with terminal escapes neutralised; `runs` and `history` list
  approvals and reopenings (who, when, why).
- A closed pipe ends the command quietly, as SIGPIPE would (exit 141).

The S0 shop of examples/s0 (12 agents, 2026-10, total 34870.56; 1001 is paid 3579.02) is recorded
as in tests/ledger/test_ledger_cli.py, in a ledger of each back-end (the `db` fixture), except where
what is tested only a file has (its paths and links, its mode, a hot journal, an empty file): there
a SQLite file (`sqlite_db`).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from harness.ledger import record_s0, totals
from harness.paths import ROOT, S0_METRICS, S0_POLICY, S0_ROSTER
from ledger_backends import BACKENDS, contents, fresh_ledger, is_server, raw

from engine.ledger import codec
from engine.ledger.access import open_ledger
from engine.ledger.migrations import LATEST
from engine.month import Files, evaluate_files


@pytest.fixture
def recorded(db: str) -> str:
    """October recorded in the ledger of each back-end (the `db` fixture)."""
    assert record_s0(db).exit_code == 0
    return db


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    """October recorded in a SQLite file: what only a file has (paths, links, modes, journals)."""
    path = tmp_path / "jixiao.db"
    assert record_s0(path).exit_code == 0
    return path


def tamper(db: str | Path, sql: str, *args: object) -> None:
    raw(db, sql, *args)


def evaluate(*more: object):
    return run("evaluate", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER, *more)


# -- --out -------------------------------------------------------------------------------------


def test_out_onto_a_symbolic_link_is_refused_and_names_the_real_file(tmp_path):
    real = tmp_path / "report.csv"
    real.write_text("kept\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    refused = evaluate("--format", "csv", "--out", link, "--lang", "en")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (f"{link}: cannot write: it is a symbolic link (to {real}); jixiao writes a file whole by "
                              f"replacing it, which would replace the link: give the file itself, --out {real}\n")
    assert link.is_symlink() and real.read_text() == "kept\n"
    zh = evaluate("--format", "csv", "--out", link)
    assert zh.stderr == (f"{link}：无法写入：这是一个符号链接（指向 {real}）；jixiao 以整体替换的方式写文件，"
                         f"会替换掉链接本身：请直接指定文件 --out {real}\n")
    assert evaluate("--format", "csv", "--out", real).exit_code == 0  # the real file is written, as said


def test_out_onto_a_fifo_or_a_device_is_refused_and_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = evaluate("--out", fifo, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{fifo}: cannot write: it is a named pipe (FIFO), not a regular file; to send the output there, leave out "
           "--out and redirect standard output\n")
    assert Path(fifo).is_fifo()
    device = evaluate("--out", os.devnull)
    assert (device.exit_code, device.stderr) == (
        1, f"{os.devnull}：无法写入：这是一个设备，不是普通文件；如要输出到那里，请去掉 --out，改用重定向标准输出\n")
    assert Path(os.devnull).is_char_device()
    link = tmp_path / "to-fifo"
    link.symlink_to(fifo)
    through = evaluate("--out", link, "--lang", "en")
    assert through.stderr == (f"{link}: cannot write: it is a symbolic link to {fifo}, which is not a regular file; "
                              "to send the output there, leave out --out and redirect standard output\n")


def test_show_never_writes_over_the_ledger_by_any_path_to_it(sqlite_db, tmp_path):
    db = sqlite_db
    before = db.read_bytes()
    (tmp_path / "sub").mkdir()
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    soft = tmp_path / "soft.db"
    soft.symlink_to(db)
    for out in (db, tmp_path / "sub" / ".." / "jixiao.db", hard, soft):
        refused = run("show", "--period", "2026-10", "--format", "json", "--out", out, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stderr) == (
            1, f"{out}: cannot write: it is the --db file {db}; writing there would destroy it: choose another file\n")
    journal = run("show", "--period", "2026-10", "--out", f"{db}-journal", "--db", db)
    assert journal.stderr == (f"{db}-journal：无法写入：它就是 --db 指定的文件 {db}；写入会毁掉它：请指定其他文件\n")
    assert not Path(f"{db}-journal").exists()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    special = run("show", "--period", "2026-10", "--out", fifo, "--db", db, "--lang", "en")
    assert (special.exit_code, special.stderr) == (
        1, f"{fifo}: cannot write: it is a named pipe (FIFO), not a regular file; to send the output there, leave out "
           "--out and redirect standard output\n")
    assert db.read_bytes() == before and hard.read_bytes() == before
    assert run("runs", "--db", db).exit_code == 0


def test_evaluate_never_writes_over_one_of_its_inputs(tmp_path):
    metrics = tmp_path / "metrics.csv"
    metrics.write_bytes(S0_METRICS.read_bytes())
    refused = run("evaluate", "--policy", S0_POLICY, "--metrics", metrics, "--roster", S0_ROSTER, "--format", "csv",
                  "--out", metrics, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{metrics}: cannot write: it is the --metrics file {metrics}; writing there would destroy it: "
           "choose another file\n")
    assert metrics.read_bytes() == S0_METRICS.read_bytes()
    policy = run("evaluate", "--policy", S0_POLICY, "--metrics", metrics, "--out", S0_POLICY, "--lang", "en")
    assert policy.exit_code == 1 and "it is the --policy file" in policy.stderr


def test_a_db_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "ledger"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    for command in (["runs"], ["history", "1001"], ["approve", "--period", "2026-10"], ["migrate"]):
        refused = run(*command, "--db", fifo, "--lang", "en")
        assert (refused.exit_code, refused.stderr) == (
            1, f"{fifo}: is not a regular file (a pipe, a device or a socket); --db names the ledger file\n"), command


# -- not a ledger, or a damaged one ------------------------------------------------------------


def test_another_programs_database_with_a_schema_version_table_is_not_a_ledger(tmp_path):
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE schema_version (id INTEGER, name TEXT)")
        raw.execute("INSERT INTO schema_version VALUES (1, 'init')")
    before = foreign.read_bytes()
    for command in (["runs"], ["approve", "--period", "2026-10"], ["migrate"]):
        refused = run(*command, "--db", foreign, "--lang", "en")
        assert (refused.exit_code, refused.stderr) == (
            1, f"{foreign}: is an SQLite database but not a jixiao ledger; choose another --db file\n"), command
    assert foreign.read_bytes() == before


@pytest.mark.parametrize(("version", "shown"), [("'three'", "'three'"), ("0", "0"), ("2.5", "2.5")])
def test_a_schema_version_that_is_not_a_version_is_a_damaged_ledger(sqlite_db, version, shown):
    """SQLite's column holds any value; PostgreSQL's is an integer (0 is tested there too: test_ledger_postgres)."""
    db = sqlite_db
    tamper(db, f"UPDATE schema_version SET version = {version} WHERE version = 1")
    refused = run("runs", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{db}: the ledger is damaged: its schema_version holds {shown}, not the versions jixiao writes; "
           "restore it from a backup\n")
    zh = run("history", "1001", "--db", db)
    assert zh.stderr == (f"{db}：账本已损坏：其 schema_version 中是 {shown}，不是 jixiao 写入的版本号；"
                         "请从备份恢复账本\n")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_missing_table_or_column_is_a_damaged_ledger(tmp_path, backend):
    (tmp_path / "other").mkdir()
    with fresh_ledger(backend, tmp_path) as db, fresh_ledger(backend, tmp_path / "other") as other:
        _missing_structure(db, other)


def _missing_structure(db: str, other: str) -> None:
    assert record_s0(db).exit_code == 0
    tamper(db, "ALTER TABLE outcomes DROP COLUMN choices")
    refused = run("show", "--period", "2026-10", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{db}: the ledger is damaged: outcomes.choices is missing (or this is not a jixiao ledger); "
           "restore it from a backup\n")
    assert record_s0(other).exit_code == 0
    tamper(other, "DROP TABLE period_events")
    assert run("approve", "--period", "2026-10", "--db", other, "--lang", "en").stderr == (
        f"{other}: the ledger is damaged: period_events is missing (or this is not a jixiao ledger); "
        "restore it from a backup\n")


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("total", "abc", "'abc' is not a decimal number"),
    ("total", "NaN", "'NaN' is not a decimal number"),
    ("score", "1e999999", "'1e999999' is not a decimal number"),
    ("pay", "(('base', 3000),)", "not a list of names and values"),
    ("kpis", "__import__('os').system('true')", "unexpected \"__import__('os').sys\" at character 1"),
])
def test_a_damaged_value_in_an_outcome_row_names_its_run_agent_and_column(recorded, column, value, shown):
    _damaged_value(recorded, column, value, shown)


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("evaluated_total", b"1", "b'1' is not a decimal number"),
    ("name", b"\x00", "bytes where text belongs"),
])
def test_bytes_where_text_belongs_name_their_run_agent_and_column(sqlite_db, column, value, shown):
    """Only SQLite's columns hold a value of another type than declared; PostgreSQL refuses the write."""
    _damaged_value(sqlite_db, column, value, shown)


def _damaged_value(db: str | Path, column: str, value: object, shown: str) -> None:
    tamper(db, f"UPDATE outcomes SET {column} = ? WHERE agent = '1001'", value)
    for command in (["history", "1001"], ["show", "--period", "2026-10"]):
        refused = run(*command, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stdout) == (1, ""), command
        assert refused.stderr == (f"{db}: the ledger is damaged (run 1, agent '1001', column {column}): {shown}; "
                                  "restore it from a backup\n"), command
    zh = run("history", "1001", "--db", db)
    assert zh.stderr.startswith(f"{db}：账本已损坏（第 1 次运行，客服 '1001'，列 {column}）：")
    assert zh.stderr.endswith("；请从备份恢复账本\n")


def test_a_damaged_run_total_is_refused_by_runs_and_show(recorded):
    db = recorded
    tamper(db, "UPDATE runs SET total = '1.00'")
    for command in (["runs"], ["show", "--period", "2026-10"]):
        refused = run(*command, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stderr) == (
            1, f"{db}: the ledger is damaged (run 1): the run's total 1.00 is not the sum of its agents' totals "
               "(34870.56); restore it from a backup\n"), command
    tamper(db, "UPDATE runs SET total = '34870.56', agents = 13")
    assert run("runs", "--db", db, "--lang", "en").stderr == (
        f"{db}: the ledger is damaged (run 1): the run says 13 agents and holds 12; restore it from a backup\n")


# -- read-only commands ------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["empty file", "empty database"])
def test_reading_commands_never_write_a_schema_into_an_empty_file(tmp_path, content):
    db = tmp_path / "jixiao.db"
    if content == "empty file":
        db.write_bytes(b"")
    else:
        with sqlite3.connect(db) as raw:
            raw.execute("PRAGMA user_version = 7")  # a database header, no table
    before = db.read_bytes()
    for command in (["runs"], ["history", "1001"], ["show", "--period", "2026-10"]):
        result = run(*command, "--db", db, "--lang", "en")
        assert (result.exit_code, result.stderr) == (
            1, f"{db}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {db}\n"), command
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jixiao.db"]


def test_reading_a_ledger_changes_nothing_in_it(recorded):
    db = recorded
    assert run("approve", "--period", "2026-10", "--by", "李总", "--db", db).exit_code == 0
    before = contents(db)
    if not is_server(db):
        modified = Path(db).stat().st_mtime_ns
        os.chmod(db, 0o444)  # SQLite opens it read-only: no write is even attempted
    try:
        for command in (["runs"], ["history", "1001"], ["show", "--period", "2026-10"],
                        ["show", "--period", "2026-10", "--agent", "1001"]):
            assert run(*command, "--db", db).exit_code == 0, command
    finally:
        if not is_server(db):
            os.chmod(db, 0o644)
    assert contents(db) == before
    if not is_server(db):
        assert Path(db).stat().st_mtime_ns == modified


def _interrupted_write(db: Path) -> None:
    """A process killed in the middle of a transaction that had spilled to the file: a hot journal."""
    code = (f"import os, signal, sqlite3\nc = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('PRAGMA cache_size=1')\nc.execute('BEGIN IMMEDIATE')\n"
            "for i in range(2000): c.execute(\"UPDATE outcomes SET name = ? WHERE agent = '1001'\", ('x' * 4000,))\n"
            "c.execute(\"INSERT INTO period_events (period, action, by, reason, at) "
            "SELECT 'x', 'approve', zeroblob(4000), '', '' FROM outcomes\")\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run([sys.executable, "-c", code], check=False)


def test_an_interrupted_write_is_said_by_reading_commands_and_rolled_back_by_migrate(sqlite_db):
    db = sqlite_db
    _interrupted_write(db)
    assert Path(f"{db}-journal").exists()
    refused = run("runs", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{db}: a write to the ledger was interrupted and must be rolled back before it can be read; run jixiao "
           f"migrate --db {db}, which rolls it back (nothing else was changed)\n")
    assert run("migrate", "--db", db, "--lang", "en").stdout == (
        f"the ledger {db} is already at schema version {LATEST}; nothing was changed\n")
    assert not Path(f"{db}-journal").exists()
    shown = json.loads(run("history", "1001", "--db", db, "--format", "json").stdout)
    assert shown["months"][0]["pay"]["total"] == "3579.02"


# -- one amount for one agent-month --------------------------------------------------------------


def test_a_recorded_total_that_is_not_evaluated_plus_lines_is_refused_everywhere(recorded):
    db = recorded
    tamper(db, "UPDATE outcomes SET total = '3600.00' WHERE agent = '1001'")
    for command in (["history", "1001"], ["show", "--period", "2026-10"], ["show", "--period", "2026-10", "--agent",
                                                                           "1001"]):
        refused = run(*command, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stdout) == (1, ""), command
        assert refused.stderr == (f"{db}: the ledger is damaged (run 1, agent '1001'): its recorded total 3600.00 is "
                                  "not the evaluated total 3579.02 plus its recorded lines (3579.02); restore it from "
                                  "a backup\n"), command


def test_pay_lines_that_do_not_add_up_to_the_evaluated_total_are_refused(recorded):
    db = recorded
    tamper(db, "UPDATE outcomes SET pay = (SELECT pay FROM outcomes WHERE agent = '1002') WHERE agent = '1001'")
    refused = run("history", "1001", "--db", db, "--lang", "en")
    assert refused.stderr == (f"{db}: the ledger is damaged (run 1, agent '1001'): its pay lines add up to 2785.19, "
                              "its evaluated total says 3579.02; restore it from a backup\n")


def test_a_manual_adjustment_changed_after_the_run_is_refused(db, tmp_path):
    adjustments = tmp_path / "adj.csv"
    adjustments.write_text("工号,金额,原因,审批人\n1001,200,春节补贴,张经理\n", encoding="utf-8")
    assert record_s0(db, "2026-10", S0_METRICS, "--adjustments", adjustments).exit_code == 0
    tamper(db, "UPDATE adjustments SET amount = '2000.00'")
    refused = run("history", "1001", "--db", db, "--lang", "en")
    assert refused.stderr == (f"{db}: the ledger is damaged (run 1, agent '1001'): its recorded total 3779.02 is not "
                              "the evaluated total 3579.02 plus its recorded lines (5579.02); restore it from a "
                              "backup\n")
    tamper(db, "UPDATE adjustments SET amount = 'lots'")
    assert run("show", "--period", "2026-10", "--db", db, "--lang", "en").stderr == (
        f"{db}: the ledger is damaged (run 1, agent '1001', adjustment line 1): 'lots' is not a decimal number; "
        "restore it from a backup\n")


def test_retroactive_lines_count_in_the_total_and_a_changed_one_is_refused(db, tmp_path):
    """November approved, October corrected: December pays +500.00 as 追溯调整 (tests/ledger/test_corrections.py);
    the line is one of the recorded lines the total is checked against."""
    import test_corrections as corrections

    corrections.policy(tmp_path)
    corrections.quiet(tmp_path, corrections.SLOW)
    assert run("approve", "--period", "2026-11", "--db", db).exit_code == 0
    fixed = corrections.month(tmp_path, "2026-10", {"a": (90, 1000), "b": (50, 1000)}, "fixed.csv")
    assert corrections.record(tmp_path, "2026-10", fixed, "--supersede").exit_code == 0
    # history shows each month as paid, as show does: November as approved (run 2), its correction named.
    months = json.loads(run("history", "a", "--db", db, "--format", "json").stdout)["months"]
    assert [(m["run"], m["pay"]["total"], m.get("corrected_by")) for m in months] == [
        (4, "2100.00", None), (2, "2100.00", 5), (6, "3100.00", None)]  # December: 2600 + 500 for November
    assert totals(db, "2026-11")["a"] == "2100.00"
    table = run("history", "a", "--db", db, "--lang", "en").stdout.splitlines()
    assert table[-2:] == ["approved months corrected since:", "  2026-11 paid as approved run 2; corrected by run 5, "
                          "the difference settled as retroactive lines in later open months"]
    tamper(db, "UPDATE retro_lines SET amount = '700.00'")
    for command in (["history", "a"], ["show", "--period", "2026-12"], ["show", "--period", "2026-12", "--agent", "a"]):
        refused = run(*command, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stdout) == (1, ""), command
        assert refused.stderr == (f"{db}: the ledger is damaged (run 6, agent 'a'): its recorded total 3100.00 is not "
                                  "the evaluated total 2600.00 plus its recorded lines (3300.00); restore it from a "
                                  "backup\n"), command
    tamper(db, "UPDATE retro_lines SET amount = '500.00', bound = 'whatever'")
    assert run("history", "a", "--db", db, "--lang", "en").stderr == (
        f"{db}: the ledger is damaged (run 6, agent 'a', retroactive line 1): not a retroactive line as jixiao writes "
        "one; restore it from a backup\n")


def test_a_trace_that_disagrees_with_the_columns_is_refused_by_show_and_unread_by_history(recorded):
    db = recorded
    # A run keeps no trace (engine.retrace); a ledger written by an older jixiao keeps every agent's, read as
    # recorded: here 1002's, written into 1001's row.
    files = Files(str(S0_POLICY), str(S0_METRICS), str(S0_ROSTER))
    traces = {r.agent: r.trace for r in evaluate_files(files, None, trace=True).results}
    tamper(db, "UPDATE outcomes SET trace = ? WHERE agent = '1001'", codec.as_text(traces["1002"]))
    refused = run("show", "--full", "--period", "2026-10", "--agent", "1001", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.startswith(f"{db}: the ledger is damaged (2026-10, agent 1001, trace): its ")
    assert refused.stderr.endswith("; restore it from a backup\n")
    tamper(db, "UPDATE outcomes SET trace = '(Decimal(''1''),)' WHERE agent = '1001'")
    short = run("show", "--full", "--period", "2026-10", "--agent", "1001", "--db", db)
    assert short.stderr.startswith(f"{db}：账本已损坏（2026-10，客服 1001，计算过程）：共 1 个值，而方案有 ")
    # history shows no trace, so it reads none: the month is shown from its checked columns.
    history = json.loads(run("history", "1001", "--db", db, "--format", "json").stdout)
    assert history["months"][0]["pay"]["total"] == "3579.02"
    with open_ledger(db, read_only=True) as ledger:
        assert [o.result.trace for _, o in ledger.history("1001")] == [None]


def test_decoding_a_large_trace_costs_its_values_not_a_syntax_tree():
    """The old decoder parsed the repr as Python: its peak was ~135x the text (10 GB for a year of
    events). Now the peak is the decoded values (~5x the text here) plus a stack; bounded at 12x."""
    trace = tuple((Decimal(f"{i}.50"), f"2026-10-{i % 28 + 1:02d} 订单{i}", i % 7, i % 2 == 0, None, ())
                  for i in range(10_000))
    text = codec.as_text(trace)
    tracemalloc.start()
    try:
        value = codec.from_text(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert value == trace
    assert peak < 12 * len(text), f"peak {peak:,} bytes for {len(text):,} characters"


# -- approvals, reopenings and what is echoed -------------------------------------------------------


def test_approve_and_reopen_echo_stored_text_with_escapes_neutralised_and_the_lists_show_them(recorded):
    db = recorded
    by, reason = "\x1b[2J李总", "补录\x1b[31m迟到扣款\u202e"
    approved = run("approve", "--period", "2026-10", "--by", by, "--db", db, "--lang", "en")
    assert approved.stdout == ("approved 2026-10 (run 1, by \\x1b[2J李总); to change it, reopen it first with "
                               "jixiao reopen\n")
    again = run("approve", "--period", "2026-10", "--db", db, "--lang", "en")
    at = json.loads(run("runs", "--db", db, "--format", "json").stdout)["runs"][0]["approved"]["at"]
    assert again.stdout == f"2026-10 (run 1) was already approved by \\x1b[2J李总 at {at}; nothing was changed\n"
    reopened = run("reopen", "--period", "2026-10", "--reason", reason, "--by", "王会计", "--db", db)
    assert reopened.stdout == ("已重新开放 2026-10，原因：补录\\x1b[31m迟到扣款\\u202e；"
                               "现在可以用 jixiao run --supersede 重新计算\n")
    listed = json.loads(run("runs", "--db", db, "--format", "json").stdout)
    events = listed["events"]
    assert [(e["period"], e["action"], e["run"], e["by"], e["reason"]) for e in events] == [
        ("2026-10", "approve", 1, by, ""), ("2026-10", "reopen", None, "王会计", reason)]
    reopened_at = events[1]["at"]
    table = run("runs", "--db", db, "--lang", "en").stdout.splitlines()
    assert table[-3:] == ["approvals and reopenings (UTC):",
                          f"  2026-10 approved (run 1) by \\x1b[2J李总 at {at}",
                          f"  2026-10 reopened by 王会计 at {reopened_at} · reason: 补录\\x1b[31m迟到扣款\\u202e"]
    history = run("history", "1001", "--db", db).stdout.splitlines()
    assert history[-3:] == ["审批与重新开放（UTC）：", f"  2026-10 审批（第 1 次运行） · \\x1b[2J李总 · {at}",
                            f"  2026-10 重新开放 · 王会计 · {reopened_at} · 原因：补录\\x1b[31m迟到扣款\\u202e"]
    months = json.loads(run("history", "1001", "--db", db, "--format", "json").stdout)["months"]
    assert [e["action"] for e in months[0]["events"]] == ["approve", "reopen"]


# -- a closed pipe ---------------------------------------------------------------------------------


def _cli(*args: object, stdout: int) -> subprocess.CompletedProcess:
    """The command as a shell runs it: a process of its own, its stdout the given file descriptor."""
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, check=False)


def test_writing_into_a_closed_pipe_ends_quietly_as_sigpipe_would(sqlite_db):
    db = sqlite_db
    for args in (("--help",), ("history", "1001", "--format", "json", "--db", db),
                 ("evaluate", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER)):
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before the first write, as `| head -1` is after its line
        try:
            done = _cli(*args, stdout=writer)
        finally:
            os.close(writer)
        # No bug line, no traceback: stderr says what it says when the output is read (evaluate's notes).
        usual = run(*args)
        assert (done.returncode, done.stderr.decode()) == (128 + signal.SIGPIPE, usual.stderr), args
    assert usual.exit_code == 0 and usual.stderr.startswith("提示：")
