"""Every case file under tests/scenarios/ as pytest items: one item per case, its failure shown as the
scenario runner words it (expected, actual, and the step that produced it), without a traceback.

Only the collection lives here; loading, running and comparing are harness.scenarios, which
knows nothing of pytest.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from harness.scenarios import Case, CaseFormatError, Report, load_cases, run_case


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml"):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        try:
            cases = load_cases(self.path)
        except CaseFormatError as error:
            raise self.CollectError(str(error)) from None
        for case in cases:
            yield ScenarioItem.from_parent(self, name=case.name, case=case)


class ScenarioFailed(AssertionError):
    def __init__(self, report: Report):
        super().__init__(report.text())


class ScenarioItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        with tempfile.TemporaryDirectory(prefix="jixiao-scenario-") as work:
            report = run_case(self.case, Path(work))
        if not report.passed:
            raise ScenarioFailed(report)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.case.line - 1, f"scenario: {self.case.name}"
