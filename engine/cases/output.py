"""A suite's results as people and CI read them: text, JSON, JUnit XML and GitHub workflow commands.

- text: each failing case in full (its lines, expected against actual, the step behind each value),
  one summary line, then each policy's coverage by area and every item never reached, with its line;
- json: the same as data (`cases`, `summary`, `coverage`), every percentage a decimal string;
- junit: one `<testcase>` per case (its file and line, its failures as the text shows them), and per
  policy one more testcase for `--min-coverage` when it is given; coverage in the suite's properties;
- github: `::error file=…,line=…::` for each mismatch at its line in the case file, `::warning` for
  each item never reached at its line in the policy, `::error` for a policy under `--min-coverage`,
  then a `::notice` with the summary.

Every format is deterministic: the same cases give the same bytes.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

from engine.cases.coverage import PolicyCoverage
from engine.cases.suite import Suite
from engine.report.messages import say
from engine.report.workflow import command

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json", "junit", "github")


def render(suite: Suite, fmt: str, lang: str) -> str:
    return {"text": _text, "json": _json, "junit": _junit, "github": _github}[fmt](suite, lang)


def _summary(suite: Suite, lang: str) -> str:
    failed = len(suite.failed)
    return say("test_summary", lang, cases=len(suite.reports), passed=len(suite.reports) - failed, failed=failed)


def _areas(policy: PolicyCoverage, lang: str) -> str:
    joined = "，" if lang == "zh" else ", "
    return joined.join(f"{say('area_' + area, lang)} {reached}/{declared}" for area, reached, declared in
                       policy.by_area())


def _coverage_line(policy: PolicyCoverage, lang: str) -> str:
    return say("test_coverage", lang, policy=policy.policy, percent=policy.percent, areas=_areas(policy, lang))


def _missed_lines(policy: PolicyCoverage, lang: str) -> list[str]:
    return [say("test_missed", lang, file=item.file or policy.file, line=item.line, area=say("area_" + item.area, lang),
                path=item.path) for item in policy.missed]


def _below_line(suite: Suite, policy: PolicyCoverage, lang: str) -> str:
    return say("test_below", lang, policy=policy.policy, percent=policy.percent, minimum=suite.minimum)


def _text(suite: Suite, lang: str) -> str:
    out: list[str] = []
    for report in suite.failed:
        out += [report.text(), ""]
    out.append(_summary(suite, lang))
    for policy in suite.coverage:
        out.append(_coverage_line(policy, lang))
        out += [f"  {line}" for line in _missed_lines(policy, lang)]
    out += [_below_line(suite, policy, lang) for policy in suite.below]
    return "\n".join(out) + "\n"


def _json(suite: Suite, lang: str) -> str:
    data = {
        "cases": [{"file": report.case.shown, "line": report.case.line, "name": report.case.name,
                   "rules": list(report.case.rules), "passed": report.passed,
                   "failures": [{"line": f.line, "message": f.text} for f in report.found]}
                  for report in suite.reports],
        "summary": {"cases": len(suite.reports), "passed": len(suite.reports) - len(suite.failed),
                    "failed": len(suite.failed), "ok": suite.passed},
        "coverage": [{"policy": policy.policy, "file": policy.file, "percent": str(policy.percent),
                      "areas": {str(area): {"reached": reached, "declared": declared}
                                for area, reached, declared in policy.by_area()},
                      "missed": [{"area": str(item.area), "path": item.path, "line": item.line,
                                  **({"file": item.file} if item.file else {})}
                                 for item in policy.missed],
                      "below_minimum": policy in suite.below}
                     for policy in suite.coverage],
        "min_coverage": None if suite.minimum is None else str(suite.minimum),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _junit(suite: Suite, lang: str) -> str:
    cases = len(suite.reports) + (len(suite.coverage) if suite.minimum is not None else 0)
    failures = len(suite.failed) + len(suite.below)
    root = ElementTree.Element("testsuites", name="jixiao test", tests=str(cases), failures=str(failures),
                               errors="0")
    top = ElementTree.SubElement(root, "testsuite", name="jixiao", tests=str(cases), failures=str(failures),
                                 errors="0", skipped="0")
    properties = ElementTree.SubElement(top, "properties")
    for policy in suite.coverage:
        ElementTree.SubElement(properties, "property", name=f"coverage {policy.policy}", value=str(policy.percent))
    for report in suite.reports:
        case = ElementTree.SubElement(top, "testcase", classname=report.case.shown, name=report.case.name,
                                      file=report.case.shown, line=str(report.case.line))
        if not report.passed:
            failure = ElementTree.SubElement(case, "failure", message=report.found[0].text.splitlines()[0],
                                             type="mismatch")
            failure.text = report.text()
    if suite.minimum is not None:
        for policy in suite.coverage:
            case = ElementTree.SubElement(top, "testcase", classname="coverage", name=policy.policy,
                                          file=policy.file)
            if policy in suite.below:
                failure = ElementTree.SubElement(case, "failure", message=_below_line(suite, policy, lang),
                                                 type="coverage")
                failure.text = "\n".join(_missed_lines(policy, lang))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _github(suite: Suite, lang: str) -> str:
    out = []
    for report in suite.failed:
        out += [command("error", failure.text, report.case.shown, failure.line, title=report.case.name)
                for failure in report.found]
    for policy in suite.coverage:
        out += [command("warning", text, item.file or policy.file, item.line, title=say("test_unreached", lang))
                for item, text in zip(policy.missed, _missed_lines(policy, lang), strict=True)]
    out += [command("error", _below_line(suite, policy, lang), policy.file, 1) for policy in suite.below]
    out.append(command("notice", " · ".join([_summary(suite, lang),
                                              *(_coverage_line(policy, lang) for policy in suite.coverage)])))
    return "\n".join(out) + "\n"

