"""The scenario runner the suite shares is the engine's own (`engine.cases`), which `jixiao test` runs:
the project's cases go through exactly what a shop's do."""

from engine.cases.read import Case, CaseFormatError, Check, load_cases
from engine.cases.run import Report, run_case

__all__ = ["Case", "CaseFormatError", "Check", "Report", "load_cases", "run_case"]
