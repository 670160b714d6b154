"""A command imports only what it uses (issue 19): `validate` neither openpyxl nor the evaluator nor polars
(nor jsonschema, for a policy that certainly fits the schema), and `evaluate` of CSV files neither openpyxl
nor psycopg nor the HTML/XLSX report modules, nor polars while the month goes through the Decimal path.

Each command runs in a fresh interpreter (an in-process run would see what other tests imported)
and reports its sys.modules afterwards. Nothing here is timed: start-up speed is measured by
benchmarks/bench_startup.py. Each case has a counterpart that does import the module (an .xlsx in or
out), so a check that could never fail (a misspelt module name) shows up as a failing counterpart.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cpu_time import child_cpu_limit

ROOT = Path(__file__).resolve().parent.parent
CPU_SECONDS = 60  # a command here takes well under a second of CPU: only a hang reaches this

# Runs the command as `jixiao` would, then writes the names of the loaded modules to argv[1].
RUN = """
import json, sys
out, sys.argv = sys.argv[1], ["jixiao", *sys.argv[2:]]
import cli
try:
    cli.main()
except SystemExit as done:
    code = done.code
with open(out, "w", encoding="utf-8") as stream:
    json.dump({"code": code, "modules": sorted(sys.modules)}, stream)
"""

XLSX_MODULES = {"openpyxl", "et_xmlfile", "engine.report.xlsx", "engine.report.payslip_xlsx"}
HTML_MODULES = {"engine.report.html_page", "engine.report.payslip_html", "engine.report.team_report",
                "engine.report.svg_charts", "engine.report.payslips"}
LEDGER_MODULES = {"psycopg", "sqlite3", "engine.ledger.sqlite", "engine.ledger.postgres"}
COLUMNAR_MODULES = {"polars", "pyarrow"}
# The command modules cli.py loads lazily: a command builds only its own module's commands.
COMMAND_MODULES = {"cli_policy", "cli_month", "cli_ledger"}
# jsonschema and what it brings: only a policy the fast predicate (engine.policy.schema_fits) cannot pass needs them.
SCHEMA_MODULES = {"jsonschema", "referencing", "jsonschema_specifications", "attrs", "rpds"}
S0 = ["--policy", "policies/s0_shop.yaml", "--roster", "examples/s0/roster.csv"]


def _modules(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(out), *args], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=child_cpu_limit(CPU_SECONDS), check=False)
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] in (0, None), done.stderr[-2000:]
    return set(found["modules"])


@pytest.mark.parametrize("policy", sorted(p.name for p in (ROOT / "policies").glob("*.yaml")))
def test_validate_loads_neither_openpyxl_nor_the_evaluator_nor_a_ledger(tmp_path, policy):
    loaded = _modules(tmp_path, "validate", f"policies/{policy}")
    assert loaded & (XLSX_MODULES | HTML_MODULES | LEDGER_MODULES | COLUMNAR_MODULES) == set()
    # Checking builds no plan and evaluates nothing: the plan IR, the compiler and the evaluator stay out.
    assert {"engine.model.ops", "engine.policy.compile", "engine.run.evaluate", "engine.data"} & loaded == set()
    assert "engine.report.problems" not in loaded  # the JSON and GitHub formats' module; text needs none
    # A valid policy names no problem: the catalogue of every code's texts is not built, and jsonschema's
    # walk is skipped (engine.policy.schema_fits answered), so jsonschema is never even imported.
    assert "engine.catalogue" not in loaded
    assert loaded & SCHEMA_MODULES == set()
    assert loaded & COMMAND_MODULES == {"cli_policy"}  # no other command is built
    # Nothing is written: neither the atomic writer nor the temporary files and signals it uses; files are
    # read by `os`, so pathlib (with urllib.parse and ipaddress) is not loaded either.
    assert loaded & {"engine.report.atomic_write", "tempfile", "signal", "pathlib"} == set()
    assert "engine.model.dated" not in loaded  # none has dated values: what they record is not made


def test_validate_of_a_policy_with_problems_builds_the_catalogue_and_loads_jsonschema(tmp_path):
    """The counterpart: a problem to say reads the catalogue, and jsonschema words what the schema refuses
    (so the module names above are not misspelt)."""
    bad = tmp_path / "policy.yaml"
    bad.write_text("jixiao: 1\n", encoding="utf-8")
    out = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", RUN, str(out), "validate", str(bad)], cwd=ROOT, capture_output=True,
                   preexec_fn=child_cpu_limit(CPU_SECONDS), check=False)
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] == 1
    assert "engine.catalogue" in found["modules"]
    assert set(found["modules"]) >= SCHEMA_MODULES


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_evaluate_of_csv_files_loads_no_xlsx_html_or_ledger_module(tmp_path, fmt):
    loaded = _modules(tmp_path, "evaluate", *S0, "--metrics", "examples/s0/metrics.csv", "--format", fmt)
    assert "engine.run.evaluate" in loaded  # it did evaluate
    assert loaded & COMMAND_MODULES == {"cli_month"}
    assert loaded & (XLSX_MODULES | HTML_MODULES | LEDGER_MODULES) == set()
    # A small shop's month goes through the Decimal path: no columnar library is loaded for it.
    assert loaded & COLUMNAR_MODULES == set()


# What the Decimal path alone reads or writes: events, adjustments, the recorded report and the ledger's reviews.
DECIMAL_ONLY_MODULES = {"engine.data.events", "engine.data.adjustments", "engine.report.recorded",
                        "engine.report.explain", "engine.ledger.reviews", "engine.ledger.state"}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_evaluate_by_the_columnar_path_loads_neither_the_decimal_reports_nor_events(tmp_path, fmt):
    """Issue 19 (start-up): the columnar path reads its files through engine.month (Files, read_sources) but
    imports none of what only the Decimal path, the ledger or `explain` use."""
    loaded = _modules(tmp_path, "evaluate", *S0, "--metrics", "examples/s0/metrics.csv", "--engine", "columnar",
                      "--format", fmt, "--out", str(tmp_path / f"results.{fmt}"))
    assert "polars" in loaded and "engine.run.columnar.evaluate" in loaded  # it did take the columnar path
    assert loaded & (DECIMAL_ONLY_MODULES | XLSX_MODULES | HTML_MODULES | LEDGER_MODULES | SCHEMA_MODULES) == set()


def test_evaluate_by_the_decimal_path_loads_its_own_modules(tmp_path):
    """The counterpart: the names above are modules the Decimal path does load (none is misspelt); the
    recorded report is loaded by `run` (test_a_sqlite_ledger_loads_no_postgresql_driver)."""
    events = "examples/s4/events-2026-10.csv"
    loaded = _modules(tmp_path, "explain", "--policy", "policies/s4_path.yaml", "--metrics", "examples/s4/metrics.csv",
                      "--roster", "examples/s4/roster.csv", "--events", events, "--agent", "2006")
    assert DECIMAL_ONLY_MODULES - {"engine.report.recorded"} <= loaded


def test_polars_is_the_name_the_columnar_library_loads_under(tmp_path):
    """The counterpart: importing polars puts "polars" in sys.modules (the name above is not misspelt)."""
    out = tmp_path / "modules.json"
    script = f"import json, sys, polars; json.dump(sorted(sys.modules), open({str(out)!r}, 'w'))"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, preexec_fn=child_cpu_limit(CPU_SECONDS), check=True)
    assert "polars" in json.loads(out.read_text(encoding="utf-8"))


def test_an_xlsx_metrics_file_loads_openpyxl_and_no_more(tmp_path):
    loaded = _modules(tmp_path, "evaluate", *S0, "--metrics", "examples/s0/metrics.xlsx")
    assert "openpyxl" in loaded
    assert loaded & ({"engine.report.xlsx", "engine.report.payslip_xlsx"} | HTML_MODULES | LEDGER_MODULES) == set()


def test_an_xlsx_output_loads_the_workbook_writer(tmp_path):
    loaded = _modules(tmp_path, "evaluate", *S0, "--metrics", "examples/s0/metrics.csv", "--format", "xlsx",
                      "--out", str(tmp_path / "results.xlsx"))
    assert {"openpyxl", "engine.report.xlsx", "engine.report.atomic_write"} <= loaded
    assert loaded & (HTML_MODULES | LEDGER_MODULES) == set()


def test_a_sqlite_ledger_loads_no_postgresql_driver(tmp_path):
    loaded = _modules(tmp_path, "run", "--period", "2026-10", *S0, "--metrics", "examples/s0/metrics.csv",
                      "--db", str(tmp_path / "jixiao.db"))
    assert {"sqlite3", "engine.ledger.sqlite", "engine.report.recorded"} <= loaded
    assert loaded & ({"psycopg", "engine.ledger.postgres"} | XLSX_MODULES | HTML_MODULES) == set()
