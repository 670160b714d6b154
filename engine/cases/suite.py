"""A shop's policy tests as one suite (`jixiao test [PATHS…]`): the case files found, every case run,
and what the cases reached of each policy.

Test files sit beside the policy (`policies/tests/*.yaml`). A file named on the command line is a
case file whatever it holds; a folder is searched recursively for YAML files that say so at their
top level, with `cases:` or `expected:` (a policy has neither), skipping hidden folders and virtual
environments. Every file is read before anything runs: a file that is not a case file stops the
suite with every such problem (exit 2), rather than a run that silently tests less than was written.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from engine.cases.coverage import PolicyCoverage, coverage
from engine.cases.read import Case, CaseFormatError, load_cases
from engine.cases.run import Report, run_case
from engine.errors import JixiaoError
from engine.report.messages import say

__all__ = ["CaseFilesError", "NoTests", "Suite", "case_files", "load_all", "run_suite"]

MARK = re.compile(rb"^(cases|expected)[ \t]*:", re.MULTILINE)
SKIPPED = frozenset({"node_modules", "__pycache__", "venv"})


class NoTests(JixiaoError):
    """Nothing to run: a usage mistake (exit 2), never a green run that tested nothing."""

    exit_code = 2

    def __init__(self, paths: Sequence[str]):
        shown = " ".join(paths)
        super().__init__(say("test_none_found", "en", paths=shown), say("test_none_found", "zh", paths=shown))


class CaseFilesError(JixiaoError):
    """Case files that are not case files (or cannot be read): one line each, exit 2."""

    exit_code = 2

    def __init__(self, problems: Sequence[JixiaoError]):
        super().__init__("\n".join(line for problem in problems for line in problem.lines("en")))
        self.problems = tuple(problems)

    def lines(self, lang: str = "en") -> list[str]:
        return [line for problem in self.problems for text in problem.lines(lang) for line in text.splitlines()]


@dataclass(frozen=True, slots=True)
class Suite:
    """Every case run, and each policy's coverage."""

    reports: tuple[Report, ...]
    coverage: tuple[PolicyCoverage, ...]
    minimum: Decimal | None = None  # --min-coverage

    @property
    def failed(self) -> tuple[Report, ...]:
        return tuple(report for report in self.reports if not report.passed)

    @property
    def below(self) -> tuple[PolicyCoverage, ...]:
        """The policies whose coverage is under --min-coverage."""
        if self.minimum is None:
            return ()
        return tuple(policy for policy in self.coverage if policy.percent < self.minimum)

    @property
    def passed(self) -> bool:
        return not self.failed and not self.below

    def inputs(self) -> dict[str, str]:
        """Every file the suite read (case files, policies, files the cases name), which a report must not
        replace (`--out`), each under the word an error names it by (`policy`, `case`, `metrics #2` …)."""
        found: dict[str, str] = {}
        for report in self.reports:
            case = report.case
            named = [("case", case.file), *((s.kind, s.path) for s in (case.policy, *(
                s for month in case.months for s in month.inputs)) if s.path is not None)]
            for kind, path in named:
                if str(path) in found.values():
                    continue
                count = sum(1 for name in found if name.split(" #")[0] == kind)
                found[f"{kind} #{count + 1}" if count else kind] = str(path)
        return found


def case_files(paths: Sequence[str]) -> list[Path]:
    """The case files `paths` name: files as given, folders searched (sorted, so the order is stable)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(_search(path)))
        else:
            found.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise NoTests(paths)
    return [next(p for p in found if p.resolve() == u) for u in unique]


def _search(folder: Path) -> Iterator[Path]:
    """Case files under `folder`; hidden folders and virtual environments are not entered at all."""
    for here, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".") and name not in SKIPPED]
        for name in names:
            path = Path(here) / name
            if path.suffix not in (".yaml", ".yml") or name.startswith("."):
                continue
            try:
                head = path.read_bytes()
            except OSError:
                yield path  # reading it again says why, as an error of its own
                continue
            if MARK.search(head.removeprefix(codecs.BOM_UTF8)):
                yield path


def load_all(files: Sequence[Path]) -> list[Case]:
    """Every case of every file, or every file's problem at once (CaseFilesError)."""
    cases, problems = [], []
    for path in files:
        try:
            cases.extend(load_cases(path))
        except CaseFormatError as error:
            problems.append(error)
        except OSError as error:
            missing = isinstance(error, FileNotFoundError)
            en = "file not found" if missing else f"cannot read the file: {error.strerror}"
            zh = "找不到文件" if missing else f"无法读取文件：{error.strerror}"
            problems.append(CaseFormatError(f"{path}: {en}", f"{path}：{zh}"))
    if problems:
        raise CaseFilesError(problems)
    return cases


def run_suite(paths: Sequence[str], minimum: Decimal | None = None, lang: str = "en") -> Suite:
    """Find, read and run every case under `paths`, each in a folder of its own, removed after; what
    the cases find is said in `lang`."""
    cases = load_all(case_files(paths))
    reports = []
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="jixiao-test-") as work:
            reports.append(run_case(case, Path(work), lang))
    return Suite(tuple(reports), coverage(reports), minimum)
