"""The golden set (tests/golden/README.md): every output jixiao produces for every shipped policy and
example — evaluate in each format, explain of every agent, validate, and the recorded months' show,
runs and history — run again in-process and compared with tests/golden/ byte for byte, with the
exit code and stderr of each command (its section of `<example>/commands.txt`).

A difference fails naming the golden file, the command and the first line that differs. If the
change is meant, regenerate with `python tests/golden/make_golden.py` and say why in the commit.
"""

from __future__ import annotations

import functools
import io
import os
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))
import make_golden as golden  # noqa: E402

CASES = golden.cases(lambda name: golden.stored(GOLDEN / name))  # explain: the agents the stored evaluate.json lists
LEDGERS = golden.ledgers()
REGENERATE = ("If the change is meant, regenerate with `python tests/golden/make_golden.py` and say why in the "
              "commit (tests/golden/README.md).")


def _ids(cases: list[golden.Case]) -> list[str]:
    """The golden file, with what tells apart the cases that share it."""
    return [case.golden + ("" if f".{case.args[-1]}." in case.golden else f" --lang {case.args[-1]}")
            + (" (metrics.xlsx)" if "examples/s0/metrics.xlsx" in case.args else "") for case in cases]


# -- fixtures --------------------------------------------------------------------------------------


def _prepare_once(prepare: Callable) -> Callable:
    done: dict[tuple[str, bytes], object] = {}

    def cached(path: str):
        try:
            key = (os.path.abspath(path), Path(path).read_bytes())
        except OSError:  # the command's own error, as it would be
            return prepare(path)
        if key not in done:
            done[key] = prepare(path)
        return done[key]

    return cached


@pytest.fixture(scope="module", autouse=True)
def _each_policy_compiled_once():
    """Compiling a policy (load, JSON Schema check, code generation) is most of what one command
    costs, and this module runs about a thousand commands over five policies: each policy's bytes
    are compiled once. The golden files were written without this cache (make_golden.py), so a
    plan that depended on more than its bytes, or that a command changed, would show as a
    difference. When the refactor moves these entry points, point the cache at their successors
    (a missing one is warned about, and the module is only slower)."""
    import engine.month
    import engine.pipeline
    import engine.record

    cached = functools.cache(engine.month.plan_from)  # the month pipeline's, which record imports too
    with pytest.MonkeyPatch.context() as patch:
        for module, name, wrapped in ((engine.pipeline, "prepare", _prepare_once(engine.pipeline.prepare)),
                                      (engine.month, "plan_from", cached), (engine.record, "plan_from", cached)):
            if getattr(module, name, None) is None:
                warnings.warn(f"{module.__name__}.{name} is gone: tests/test_golden.py compiles each policy "
                              "for every command", stacklevel=1)
                continue
            patch.setattr(module, name, wrapped)
        yield


@pytest.fixture(scope="module")
def folder():
    """The scratch folder every command runs in (copies of policies/ and examples/)."""
    with golden.scratch_folder() as path:
        yield path


@pytest.fixture(scope="module")
def filled(folder):
    """Each example's ledger, filled once by its script on first use: {example: (outputs, recorded times)}."""
    done: dict[str, tuple[dict[str, golden.Output], frozenset[str]]] = {}

    def get(ledger: golden.Ledger):
        if ledger.example not in done:
            done[ledger.example] = golden.fill(ledger, folder)
        return done[ledger.example]

    return get


@pytest.fixture(scope="module")
def commands() -> dict[str, dict[str, str]]:
    return {example: golden.parse_commands((GOLDEN / example / golden.COMMANDS).read_text(encoding="utf-8"))
            for example in golden.EXAMPLES}


# -- comparing -------------------------------------------------------------------------------------


def _first_difference(expected: bytes, got: bytes) -> str:
    """Where two texts part: the line number and both lines (as Python literals, so \\r and
    invisible characters show)."""
    old, new = expected.split(b"\n"), got.split(b"\n")
    for number, (a, b) in enumerate(zip(old, new, strict=False), 1):
        if a != b:
            return (f"first difference at line {number}:\n  expected: {a.decode('utf-8', 'backslashreplace')!r}\n"
                    f"  got:      {b.decode('utf-8', 'backslashreplace')!r}")
    longer, what = (old, "expected") if len(old) > len(new) else (new, "got")
    line = longer[min(len(old), len(new))].decode("utf-8", "backslashreplace")
    return f"the {what} text goes on at line {min(len(old), len(new)) + 1}: {line!r}"


def _workbook_difference(expected: bytes, got: bytes) -> str:
    """Where two XLSX files part: the first cell whose value, number format or boldness differs,
    else the first part of the archive that differs and where."""
    try:
        books = [openpyxl.load_workbook(io.BytesIO(data)) for data in (expected, got)]
    except Exception as exc:  # a workbook openpyxl cannot read is itself the difference
        return f"the workbook cannot be read: {type(exc).__name__}: {exc}"
    if books[0].sheetnames != books[1].sheetnames:
        return f"sheets: expected {books[0].sheetnames}, got {books[1].sheetnames}"
    for name in books[0].sheetnames:
        old, new = books[0][name], books[1][name]
        if (old.max_row, old.max_column) != (new.max_row, new.max_column):
            return f"sheet {name!r}: expected {old.dimensions}, got {new.dimensions}"
        for row_old, row_new in zip(old.iter_rows(), new.iter_rows(), strict=True):
            for a, b in zip(row_old, row_new, strict=True):
                shown = [(c.value, c.number_format, c.font.b) for c in (a, b)]
                if shown[0] != shown[1]:
                    return (f"sheet {name!r} cell {a.coordinate}: expected (value, format, bold) {shown[0]!r}, "
                            f"got {shown[1]!r}")
    archives = [zipfile.ZipFile(io.BytesIO(data)) for data in (expected, got)]
    if archives[0].namelist() != archives[1].namelist():
        return f"archive parts: expected {archives[0].namelist()}, got {archives[1].namelist()}"
    for part in archives[0].namelist():
        a, b = archives[0].read(part), archives[1].read(part)
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return (f"the same cells, but part {part} differs at byte {at}:\n  expected: {a[max(0, at - 60):at + 60]!r}"
                    f"\n  got:      {b[max(0, at - 60):at + 60]!r}")
    return "the same parts with the same content, packed differently (archive metadata)"


def check(case: golden.Case, output: golden.Output, commands: dict[str, dict[str, str]]) -> None:
    path = GOLDEN / case.golden
    if not path.exists():
        pytest.fail(f"tests/golden/{case.golden} is missing (for {case.command}). {REGENERATE}")
    expected = golden.stored(path)
    if output.data != expected:
        where = (_workbook_difference(expected, output.data) if case.golden.endswith(".xlsx")
                 else _first_difference(expected, output.data))
        pytest.fail(f"tests/golden/{case.golden} differs from the output of\n  {case.command}\n{where}\n"
                    f"(exit {output.exit_code}; stderr: {output.stderr!r})\n{REGENERATE}", pytrace=False)
    section = golden.section(case, output)
    kept = commands[case.example].get(case.command)
    if kept is None:
        pytest.fail(f"tests/golden/{case.example}/{golden.COMMANDS} has no section for\n  {case.command}\n"
                    f"{REGENERATE}", pytrace=False)
    if section != kept:
        pytest.fail(f"tests/golden/{case.example}/{golden.COMMANDS}: the exit code or stderr of\n  {case.command}\n"
                    f"changed: {_first_difference(kept.encode(), section.encode())}\n{REGENERATE}", pytrace=False)


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_evaluate_explain_validate_as_kept(case, folder, commands):
    check(case, golden.invoke(case, folder), commands)


RECORDED = [(ledger, case) for ledger in LEDGERS for case in (*ledger.script, *ledger.reads)]


@pytest.mark.parametrize(("ledger", "case"), RECORDED, ids=_ids([case for _, case in RECORDED]))
def test_recorded_months_as_kept(ledger, case, filled, folder, commands):
    outputs, recorded_at = filled(ledger)
    check(case, outputs[case.command] if case in ledger.script else golden.invoke(case, folder, recorded_at),
          commands)


def test_every_golden_file_belongs_to_a_case(commands):
    """No golden file or commands.txt section is left over from a case that is gone (regenerating removes them)."""
    every = CASES + [case for _, case in RECORDED]
    kept = {path.relative_to(GOLDEN).as_posix() for example in golden.EXAMPLES
            for path in (GOLDEN / example).rglob("*") if path.is_file()}
    made = {case.golden for case in every} | {f"{example}/{golden.COMMANDS}" for example in golden.EXAMPLES}
    assert sorted(kept - made) == [], f"golden files no case makes. {REGENERATE}"
    left = sorted(set().union(*commands.values()) - {case.command for case in every})
    assert left == [], f"commands.txt sections of commands no case runs. {REGENERATE}"


def test_masking_hides_only_the_recorded_times():
    """A time the ledger recorded is masked (keeping the width); any other text, a time-like one too, is not."""
    recorded = frozenset({"2026-12-07T05:29:17Z"})
    data = b"   1  2026-10  2026-12-07T05:29:17Z  2026-12-07T05:29:18Z  2026-10-31\n"
    assert golden.mask(data, recorded) == b"   1  2026-10  YYYY-MM-DDTHH:MM:SSZ  2026-12-07T05:29:18Z  2026-10-31\n"
