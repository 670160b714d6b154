"""Many shops in one ledger, four-eyes approval and `jixiao ledger copy`, on each back-end.

Two shops of one outsourcing firm run the S0 policy (examples/s0: 12 agents, October 2026, total
34870.56) with the same agent ids; each is its own shop (`--shop`), so its runs, decisions and
approvals never meet the other's. Four-eyes approval (a shop setting) refuses an approval by whoever
ran the month: on SQLite the declared name (JIXIAO_USER, an approval's --by), on PostgreSQL the
database login whatever --by says.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import Result, run
from harness.files import s0_month
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER
from ledger_backends import database_url, fresh_database, raw

from engine.ledger.access import open_ledger

POLICY, METRICS, ROSTER = S0_POLICY, S0_METRICS, S0_ROSTER





def record(db: str, shop: str | None, month: str = "2026-10", metrics: Path = METRICS, *more: object,
           env: dict[str, str] | None = None) -> Result:
    return run("run", "--period", month, "--policy", POLICY, "--metrics", metrics, "--roster", ROSTER, "--db", db,
               *(("--shop", shop) if shop else ()), "--lang", "en", *more, env=env)


def runs_json(db: str, shop: str) -> list[dict]:
    result = run("runs", "--db", db, "--shop", shop, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["runs"]


def test_two_shops_share_a_ledger_and_never_meet(db, tmp_path):
    assert record(db, "north").exit_code == 0
    second = record(db, "south")
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("recorded 2026-10 as run 2: 12 agents, total 34870.56")
    assert [r["run"] for r in runs_json(db, "north")] == [1] and [r["run"] for r in runs_json(db, "south")] == [2]

    unnamed = run("runs", "--db", db, "--lang", "en")
    assert (unnamed.exit_code, unnamed.stderr) == (
        1, f"{db}: the ledger holds several shops (north, south); name one with --shop\n")
    zh = run("runs", "--db", db)
    assert zh.stderr == f"{db}：账本中有多个店铺（north、south）；请用 --shop 指定其中一个\n"
    unknown = run("runs", "--db", db, "--shop", "east", "--lang", "en")
    assert (unknown.exit_code, unknown.stderr) == (
        1, f"{db}: the ledger holds no shop 'east'; it holds: north, south\n")

    # A decision for north's 1001 changes north's November, never south's 1001.
    decided = run("decide", "1001", "--from", "2026-11", "--grade", "A4", "--reason", "升级", "--db", db,
                  "--shop", "north")
    assert decided.exit_code == 0, decided.output
    november = s0_month(tmp_path, "2026-11")
    assert record(db, "north", "2026-11", november).exit_code == 0
    assert record(db, "south", "2026-11", november).exit_code == 0
    grades = {}
    for shop in ("north", "south"):
        shown = run("history", "1001", "--db", db, "--shop", shop, "--format", "json")
        assert shown.exit_code == 0, shown.output
        grades[shop] = [m["grade"] for m in json.loads(shown.stdout)["months"]]
    assert grades["north"][1] == "A4" and grades["south"][1] != "A4"
    assert grades["north"][0] == grades["south"][0] == grades["south"][1]

    # Each shop's month is approved on its own; the other stays open.
    assert run("approve", "--period", "2026-10", "--db", db, "--shop", "north").exit_code == 0
    assert [r["status"] for r in runs_json(db, "south") if r["period"] == "2026-10"] == ["current"]
    assert record(db, "south", "2026-10", s0_month(tmp_path, "2026-10"), "--supersede").exit_code == 0


def test_a_run_belongs_to_the_policys_shop_unless_shop_is_given(db):
    assert record(db, None).exit_code == 0
    with open_ledger(db, read_only=True) as ledger:
        assert ledger.shops() == ["s0-eight-kpi"] and ledger.shop == "s0-eight-kpi"
        assert [(r.shop, r.period) for r in ledger.runs()] == [("s0-eight-kpi", "2026-10")]
    # one shop: every command reads it without --shop
    assert run("show", "--period", "2026-10", "--db", db).exit_code == 0


def test_four_eyes_refuses_an_approval_by_whoever_ran_the_month(db):
    server = db.startswith("postgresql:")
    li, wang = {"JIXIAO_USER": "li"}, {"JIXIAO_USER": "wang"}
    assert record(db, "north", env=li).exit_code == 0
    on = run("ledger", "four-eyes", "on", "--db", db, "--shop", "north", "--lang", "en", "--by", "boss")
    assert (on.exit_code, on.stdout) == (
        0, "four-eyes approval is on for the shop north: whoever ran a month cannot approve it\n")
    with open_ledger(db, read_only=True) as ledger:
        runner = ledger.current_run("2026-10").run_by
    assert runner == ("jixiao_test" if server else "li")  # PostgreSQL: the database login, whatever is declared

    refused = run("approve", "--period", "2026-10", "--db", db, "--lang", "en", env=li)
    assert refused.exit_code == 1
    assert refused.stderr == (f"{db}: {runner} ran 2026-10 (run 1) and may not approve it: this shop's approvals "
                              "need someone else (four-eyes); nothing was recorded\n")
    zh = run("approve", "--period", "2026-10", "--db", db, env=li)
    assert zh.stderr == (f"{db}：2026-10（第 1 次运行）由 {runner} 运行，本人不能审批：本店铺要求由他人审批"
                         "（双人复核）；未作任何记录\n")
    other = run("approve", "--period", "2026-10", "--db", db, "--by", "wang", "--lang", "en", env=wang)
    if server:  # the same database login: --by names someone, it does not make the login someone else
        assert other.exit_code == 1
        with open_ledger(db, read_only=True) as ledger:
            assert ledger.events("2026-10") == []
    else:
        assert other.exit_code == 0, other.output
        with open_ledger(db, read_only=True) as ledger:
            assert [(e.action, e.by, e.login) for e in ledger.events("2026-10")] == [("approve", "wang", "wang")]
    off = run("ledger", "four-eyes", "off", "--db", db, "--shop", "north", "--lang", "en")
    assert off.stdout == "four-eyes approval is off for the shop north\n"
    with open_ledger(db, read_only=True) as ledger:
        assert ledger.setting("four_eyes") == "off"


def test_copy_moves_a_shops_history_and_shows_the_same_bytes(db, tmp_path):
    """A SQLite shop (two months, a supersede, an approval, a decision) copied into the `db` ledger:
    every run keeps its number and `show` prints the same bytes from either ledger."""
    source = str(tmp_path / "shop.db")
    november = s0_month(tmp_path, "2026-11")
    assert record(source, "north").exit_code == 0
    assert record(source, "north", "2026-11", november).exit_code == 0
    assert run("decide", "1002", "--from", "2026-11", "--grade", "A4", "--reason", "升级", "--db", source,
               ).exit_code == 0
    assert run("approve", "--period", "2026-11", "--by", "王会计", "--db", source).exit_code == 0
    target = db if db.startswith("postgresql:") else str(tmp_path / "copy.db")

    done = run("ledger", "copy", "--from", f"sqlite:///{source}", "--to", target, "--lang", "en")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("copied the shop north: 3 run(s), ")
    assert "both ledgers read back the same (digest " in done.stdout
    for month in ("2026-10", "2026-11"):
        for fmt in ("table", "json", "csv"):
            here = run("show", "--period", month, "--db", source, "--format", fmt)
            there = run("show", "--period", month, "--db", target, "--format", fmt)
            assert here.exit_code == there.exit_code == 0 and here.stdout_bytes == there.stdout_bytes
        agent = [run("show", "--full",
                     "--period", month, "--agent", "1002", "--db", where) for where in (source, target)]
        assert agent[0].stdout_bytes == agent[1].stdout_bytes
    assert runs_json(source, "north") == runs_json(target, "north")
    history = [run("history", "1002", "--db", where, "--format", "json").stdout for where in (source, target)]
    assert history[0] == history[1]

    again = run("ledger", "copy", "--from", source, "--to", target, "--lang", "en")
    assert (again.exit_code, again.stderr) == (1, f"{target}: already holds the shop 'north'; nothing was copied\n")
    # Another shop whose run numbers the target holds already is refused whole.
    other = str(tmp_path / "other.db")
    assert record(other, "south").exit_code == 0
    before = runs_json(target, "north")
    clash = run("ledger", "copy", "--from", other, "--to", target, "--lang", "en")
    assert clash.exit_code == 1 and clash.stderr.startswith(f"{target}: already holds runs numbered 1 (another shop's)")
    assert runs_json(target, "north") == before
    with open_ledger(target, read_only=True) as ledger:
        assert ledger.shops() == ["north"]


def test_a_failed_copy_into_a_new_file_leaves_no_file(tmp_path):
    empty = tmp_path / "empty.db"
    assert record(str(empty), "north").exit_code == 0
    target = tmp_path / "new.db"
    refused = run("ledger", "copy", "--from", empty, "--to", target, "--shop", "south", "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (1, f"{empty}: the ledger holds no shop 'south'; it holds: north\n")
    assert not target.exists()


def test_copy_from_the_server_back_into_a_file(server, tmp_path):
    with fresh_database() as name:
        url = database_url(name)
        assert record(url, "north").exit_code == 0
        back = tmp_path / "back.db"
        done = run("ledger", "copy", "--from", url, "--to", back)
        assert done.exit_code == 0, done.output
        assert (run("show", "--period", "2026-10", "--db", url).stdout_bytes
                == run("show", "--period", "2026-10", "--db", back).stdout_bytes)
        assert raw(url, "SELECT count(*) FROM outcomes") == [(12,)]


def test_jixiao_db_names_the_ledger_when_db_is_not_given(db):
    """JIXIAO_DB, as a clerk's shell sets it once (`export JIXIAO_DB=postgresql://li@dbhost/payroll`)."""
    assert record(db, "north").exit_code == 0
    listed = run("runs", "--format", "json", env={"JIXIAO_DB": db})
    assert listed.exit_code == 0, listed.output
    assert [r["period"] for r in json.loads(listed.stdout)["runs"]] == ["2026-10"]
    shown = run("show", "--period", "2026-10", "--format", "csv", env={"JIXIAO_DB": db})
    assert shown.stdout_bytes == run("show", "--period", "2026-10", "--format", "csv", "--db", db).stdout_bytes
