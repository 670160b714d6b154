"""The ledger's storage: migrations, unusable files as one-line errors, exact round trips, careers.

Rule ids: decisions are what S0.7 grade reviews and the S4 promotion path will record (docs/rules.md);
here they are written directly through the store API, as the careers stage will.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_backends import is_server

from engine.ledger import access, codec
from engine.ledger.migrations import LATEST, MIGRATIONS, SqliteSchema, current_version
from engine.ledger.sqlite import open_ledger
from engine.ledger.state import DismissedAgents, careers, month_state
from engine.ledger.store import Decision, LedgerError
from engine.model.inputs import AgentInput, AgentState


def test_an_empty_database_is_migrated_and_reopens_unchanged(tmp_path):
    db = tmp_path / "jixiao.db"
    with open_ledger(db, create=True) as ledger:
        assert current_version(SqliteSchema(ledger.connection)) == LATEST == len(MIGRATIONS) == 7
        assert ledger.runs() == [] and ledger.decisions() == []
        tables = {r[0] for r in ledger.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"schema_version", "policies", "runs", "run_inputs", "outcomes", "adjustments", "decisions",
                      "period_events", "blobs", "run_states", "retro_lines", "settings"}
    with open_ledger(db) as again:  # no second migration: one version row
        versions = again.connection.execute("SELECT count(*), max(version) FROM schema_version").fetchone()
        assert versions == (LATEST, LATEST)
    # An empty SQLite file made by another tool is also an empty ledger.
    other = tmp_path / "empty.db"
    sqlite3.connect(other).close()
    with open_ledger(other, create=True) as ledger:
        assert current_version(SqliteSchema(ledger.connection)) == LATEST


def test_a_ledger_from_a_newer_jixiao_is_refused_untouched(db):
    from ledger_backends import raw

    from engine.ledger.access import open_ledger as open_any

    open_any(db, create=True).close()
    raw(db, "INSERT INTO schema_version VALUES (?, 'later')", LATEST + 1)
    with pytest.raises(LedgerError) as error:
        open_any(db)
    assert error.value.lines("en") == [
        f"{db}: the ledger has schema version {LATEST + 1}, written by a newer jixiao; this one reads up to "
        f"{LATEST}: upgrade jixiao (nothing was changed)"]
    assert "请升级 jixiao" in error.value.lines("zh")[0]
    assert raw(db, "SELECT max(version) FROM schema_version") == [(LATEST + 1,)]


def test_unusable_files_are_one_line_errors(tmp_path):
    missing = tmp_path / "nowhere.db"
    with pytest.raises(LedgerError) as error:
        open_ledger(missing)
    assert error.value.lines("en") == [f"{missing}: no ledger here; record a month first: "
                                       f"jixiao run --period YYYY-MM --db {missing}"]
    assert not missing.exists()

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database, just text " * 200)
    with pytest.raises(LedgerError) as error:
        open_ledger(garbage)
    assert error.value.lines("en")[0].startswith(f"{garbage}: not a readable jixiao ledger (file is not a database)")
    assert error.value.lines("zh")[0].endswith("文件可能已损坏，请从备份恢复")

    foreign = tmp_path / "shop.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE orders (id INTEGER)")
    with pytest.raises(LedgerError) as error:
        open_ledger(foreign)
    assert error.value.lines("en") == [f"{foreign}: is an SQLite database but not a jixiao ledger; "
                                       "choose another --db file"]

    with pytest.raises(LedgerError) as error:
        open_ledger(tmp_path, create=True)
    assert error.value.lines("en")[0].startswith(f"{tmp_path}: is a folder; --db names the ledger file")


def test_a_locked_ledger_is_a_one_line_error(tmp_path):
    db = tmp_path / "jixiao.db"
    open_ledger(db, create=True).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LedgerError) as error:
            open_ledger(db, timeout=0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert error.value.lines("en") == [
        f"{db}: the ledger is in use by another jixiao (locked); try again when it is done"]
    assert error.value.lines("zh") == [f"{db}：账本正被另一个 jixiao 使用（已锁定）；请等它结束后再试"]


def test_a_month_another_jixiao_is_writing_is_a_one_line_error_on_the_server(server, tmp_path):
    """PostgreSQL: another session holding the shop's locks (as a first month being recorded does)."""
    import psycopg
    from ledger_backends import database_url, fresh_database

    from engine.ledger.access import open_ledger as open_any
    from engine.ledger.postgres import open_ledger as open_server

    with fresh_database() as name:
        url = database_url(name)
        open_any(url, create=True).close()
        with psycopg.connect(url) as holder:
            holder.execute("SELECT pg_advisory_xact_lock(hashtext('north'), 0)")
            with open_server(url, timeout=0) as ledger:
                ledger.use_shop("north", new=True)
                with pytest.raises(LedgerError) as error, ledger.writing("2026-10"):
                    pass
            holder.rollback()
    assert error.value.lines("en") == [
        f"{url}: the ledger is in use by another jixiao (locked); try again when it is done"]
    assert error.value.lines("zh") == [f"{url}：账本正被另一个 jixiao 使用（已锁定）；请等它结束后再试"]


decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.sampled_from(
    [Decimal("1E+3"), Decimal("-0.00"), Decimal("0E-8"), Decimal("NaN"), Decimal("Infinity")])
leaves = decimals | st.text() | st.booleans() | st.none() | st.integers(-5, 5)
traces = st.lists(st.recursive(leaves, lambda inner: st.lists(inner, max_size=3).map(tuple), max_leaves=10),
                  max_size=12).map(tuple)


@given(traces)
def test_a_trace_round_trips_digit_for_digit(trace):
    back = codec.from_text(codec.as_text(trace))
    assert repr(back) == repr(trace)  # the same types and the same digits (1E+3 stays 1E+3, -0.00 stays -0.00)


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "(Decimal(1.5),)", "(1.5,)", "[1]",
                                  "(Decimal('x'),)", "(", "Decimal('1', 2)", "(1)", "(1, 2,)", "(,)", "('\\a',)",
                                  "(b'x',)", "(1,) ", "True", "((1,),", "('x'\n,)", "(" + "9" * 5000 + ",)"])
def test_a_tampered_value_is_refused_not_run(text):
    with pytest.raises(codec.Damaged):
        codec.from_text(text)


@given(traces, st.integers(min_value=0), st.text(max_size=3))
def test_any_text_reads_back_as_a_value_or_is_refused_as_damaged(trace, where, inserted):
    """An edited trace (characters inserted anywhere in what jixiao wrote) never crashes the reader."""
    text = codec.as_text(trace)
    where %= len(text) + 1
    try:
        value = codec.from_text(text[:where] + inserted + text[where:])
    except codec.Damaged:
        return
    assert value is None or isinstance(value, tuple)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_decimal_column_reads_back_exactly_and_only_finite_numbers_read(value):
    text = str(value)
    if len(text) <= 80 and abs(value.adjusted()) <= 80:
        assert repr(codec.number(text)) == repr(value)
    for bad in ("NaN", "Infinity", "-inf", " 1", "1_000", "1,000", "", "0x10", "1e999999", None, 12):
        with pytest.raises(codec.Damaged):
            codec.number(bad)


def _decision(agent: str, period: str, kind: str, to: str | None, reason: str = "季度考核", rule: str = "S0.7",
              **more) -> Decision:
    return Decision(agent, period, kind, None, to, reason, rule, **more)


def _input(agent: str, **more) -> AgentInput:
    return AgentInput(agent, "2026-12", {}, team="一组", role="agent", grade="A2", source=f"m.csv row {agent}", **more)


def test_decisions_of_earlier_months_win_over_the_roster_from_the_next_month():
    decisions = [_decision("1001", "2026-10", "grade_change", "A3"), _decision("1001", "2026-11", "grade_change", "A4"),
                 _decision("1002", "2026-11", "role_change", "trainee_supervisor", rule="S4.2"),
                 _decision("1003", "2026-11", "team_change", "二组", reason="调组")]
    inputs, state, notes = month_state([_input("1001"), _input("1002"), _input("1003"), _input("1004")], decisions,
                                       "2026-12")
    assert state.agents == {"1001": AgentState(role=None, grade="A4"),
                            "1002": AgentState(role="trainee_supervisor", grade=None)}
    assert [i.team for i in inputs] == ["一组", "一组", "二组", "一组"]
    # Where the files say otherwise, a note names both and says the ledger's is used.
    assert [n.render("en") for n in notes] == [
        "agent 1001: the files give grade A2, the ledger's decision of 2026-11 gives A4 (季度考核); evaluated with "
        "the ledger's A4",
        "agent 1002: the files give role agent, the ledger's decision of 2026-11 gives trainee_supervisor (季度考核); "
        "evaluated with the ledger's trainee_supervisor",
        "agent 1003: the files give team 一组, the ledger's decision of 2026-11 gives 二组 (调组); evaluated with the "
        "ledger's 二组"]
    assert notes[0].render("zh") == ("客服 1001：文件中的等级为 A2，账本中 2026-11 的决定为 A4（季度考核）；"
                                     "按账本的 A4 计算")
    assert careers([_decision("1001", "2026-10", "dismissal", None),
                    _decision("1001", "2026-11", "reinstatement", None)])["1001"].dismissed is None


def test_a_dismissed_agent_in_a_later_month_names_the_agent_and_the_decision(db):
    with access.open_ledger(db, create=True) as ledger:
        ledger.add_decisions([_decision("1006", "2026-11", "dismissal", None, reason="连续两个月低于60分",
                                        rule="S4.5")])
        decisions = ledger.decisions(before="2026-12")
        assert ledger.decisions(before="2026-11") == []
    with pytest.raises(DismissedAgents) as error:
        month_state([_input("1001"), _input("1006")], decisions, "2026-12")
    decision = decisions[0].id
    assert error.value.lines("en") == [
        f"agent 1006 is in the 2026-12 data (m.csv row 1006) but was dismissed in 2026-11 (decision {decision}: "
        "连续两个月低于60分, rule S4.5); remove the row, or record a reinstatement (jixiao decide 1006 --from 2026-12 "
        "--reinstate --reason …) if the agent was rehired"]
    assert error.value.lines("zh") == [
        f"客服 1006 出现在 2026-12 的数据中（m.csv 第 1006 行），但已于 2026-11 被辞退"
        f"（决定 {decision}：连续两个月低于60分，规则 S4.5）；请删除该行，如已重新录用，请记录复职决定"
        "（jixiao decide 1006 --from 2026-12 --reinstate --reason …）"]
    many = [AgentInput(f"a{i:03d}", "2026-12", {}, source=f"m.csv row {i}") for i in range(30)]
    dismissals = [_decision(item.agent, "2026-11", "dismissal", None, reason="x") for item in many]
    with pytest.raises(DismissedAgents) as error:  # a review can dismiss thousands: twenty named, the rest counted
        month_state(many, dismissals, "2026-12")
    assert len(error.value.lines("en")) == 21
    assert error.value.lines("en")[-1] == "… and 10 more dismissed agents in the 2026-12 data"


def test_each_back_end_is_a_ledger(db):
    """The engine talks to `Ledger`; SQLite and PostgreSQL provide the same methods."""
    from engine.ledger.store import Ledger

    with access.open_ledger(db, create=True) as ledger:
        assert isinstance(ledger, Ledger)
        assert type(ledger).__module__ == ("engine.ledger.postgres" if is_server(db) else "engine.ledger.sqlite")
