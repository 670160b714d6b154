"""A ledger named by a path or a URL, opened by the one function every command uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.cli import run
from ledger_backends import fresh_ledger

from engine.ledger.access import location, open_ledger
from engine.ledger.store import Ledger, LedgerError

ROOT = Path(__file__).resolve().parents[2]
S0 = ROOT / "examples" / "s0"


def test_a_path_and_a_sqlite_url_name_the_same_file(tmp_path):
    assert location(tmp_path / "jixiao.db") == str(tmp_path / "jixiao.db")
    assert location(f"sqlite://{tmp_path}/jixiao.db") == f"{tmp_path}/jixiao.db"
    assert location("sqlite:relative.db") == "relative.db"
    with open_ledger(f"sqlite://{tmp_path}/jixiao.db", create=True) as ledger:
        assert isinstance(ledger, Ledger) and ledger.runs() == []
    assert (tmp_path / "jixiao.db").exists()


def test_a_database_this_jixiao_cannot_open_is_said_in_one_line(tmp_path):
    with pytest.raises(LedgerError) as error:
        open_ledger("mysql://clerk@db.example/payroll")
    assert error.value.lines("en") == ["mysql://clerk@db.example/payroll: a ledger at mysql:// cannot be opened by "
                                       "this jixiao; give a file path, sqlite:///path or "
                                       "postgresql://login@host/database"]
    result = run("run", "--period", "2026-10", "--policy", ROOT / "policies" / "s0_shop.yaml", "--metrics",
                 S0 / "metrics.csv", "--roster", S0 / "roster.csv", "--db", "mysql://clerk@db.example/payroll",
                 "--lang", "en")
    assert result.exit_code == 1
    assert "a ledger at mysql:// cannot be opened by this jixiao" in result.stderr


def test_a_server_that_cannot_be_reached_is_one_line_naming_it_without_its_password(tmp_path):
    url = f"postgresql://clerk:s3cret@/payroll?host={tmp_path}"  # a socket folder where no server listens
    with pytest.raises(LedgerError) as error:
        open_ledger(url)
    (line,) = error.value.lines("en")
    assert line.startswith(f"postgresql://clerk@/payroll?host={tmp_path}: cannot reach the ledger's database: ")
    assert "s3cret" not in line and "s3cret" not in error.value.lines("zh")[0]
    assert location(url) is None and location(f"sqlite://{tmp_path}/a.db") == f"{tmp_path}/a.db"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_run_records_into_a_ledger_named_by_url(tmp_path, backend):
    with fresh_ledger(backend, tmp_path) as where:
        url = where if backend == "postgresql" else f"sqlite://{where}"
        _run_and_list(url)


def _run_and_list(url: str) -> None:
    result = run("run", "--period", "2026-10", "--policy", ROOT / "policies" / "s0_shop.yaml", "--metrics",
                 S0 / "metrics.csv", "--roster", S0 / "roster.csv", "--db", url, "--lang", "en")
    assert result.exit_code == 0, result.output
    shown = run("runs", "--db", url, "--format", "json")
    assert shown.exit_code == 0 and '"period": "2026-10"' in shown.stdout
