"""The golden set: every output jixiao produces today for every shipped policy and example, kept
so that a refactor can be held byte-identical to it (issue 15). `tests/test_golden.py` runs each
command again and compares; this script writes the files, and is run ON PURPOSE only, when an
output is meant to change (the reason goes in the commit; tests/golden/README.md):

    python tests/golden/make_golden.py               # rewrite tests/golden/ (only files whose content changed)
    python tests/golden/make_golden.py --into DIR    # write the set elsewhere (two runs, diff -r: determinism)

Every command runs in-process (click's CliRunner) in a scratch folder holding copies of
`policies/` and `examples/`, with every path relative to it: outputs name `examples/s0/metrics.csv`
and the ledger `s0.db`, the same wherever the repository or the scratch folder is. The one thing
masked is the time a ledger recorded each run and approval (`recorded_at`, `at`): exactly the
strings `runs --format json` reports, replaced by `YYYY-MM-DDTHH:MM:SSZ` (the same width, so tables
keep their alignment), in the outputs of `runs` and `history` and in `show`'s workbooks (their 记录 /
Record sheet names the run's times) only. Nothing else is masked.

A case's output is what it wrote on stdout, or the file its `--out` wrote (XLSX); its exit code and
everything it wrote on stderr are kept in `<example>/commands.txt`, one section per command.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import shlex
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from cli import main  # noqa: E402

LANGS = ("zh", "en")
EXAMPLES = ("s0", "s1", "s2", "s3", "s4", "careers", "template")  # one folder each under tests/golden/
COMMANDS = "commands.txt"
STAMP = "YYYY-MM-DDTHH:MM:SSZ"  # what a recorded time becomes in runs/history (as wide as the time)
BY = "golden"  # approve --by: the login name would differ from machine to machine


# -- cases -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One command and the golden file its output is compared with.

    Several cases may share a golden file when their output must be the same bytes: a format that
    does not depend on `--lang` (JSON of a month), or the S0 month read from metrics.xlsx instead of
    metrics.csv (README: the same JSON; here every format). A golden name ending in `.gz` is kept
    compressed; what is compared is its content."""

    golden: str  # path under tests/golden/, e.g. "s0/2026-10/evaluate.table.zh.txt"
    args: tuple[str, ...]  # the arguments after `jixiao`, paths relative to the scratch folder
    out: str | None = None  # the --out file whose bytes are the output (XLSX), else stdout
    masked: bool = False  # runs / history: the ledger's recorded times are masked

    @property
    def command(self) -> str:
        return "jixiao " + " ".join(shlex.quote(arg) for arg in self.args)

    @property
    def example(self) -> str:
        return self.golden.split("/", 1)[0]


@dataclass(frozen=True)
class Month:
    """An example month as `evaluate` and `explain` read it: the policy and the data options."""

    folder: str  # under tests/golden/, e.g. "s0/2026-10"
    policy: str
    files: tuple[str, ...]  # --metrics M [--roster R] [--events E]

    def args(self, command: str, *more: str) -> tuple[str, ...]:
        return (command, "--policy", self.policy, *self.files, *more)


S0 = Month("s0/2026-10", "policies/s0_shop.yaml",
           ("--metrics", "examples/s0/metrics.csv", "--roster", "examples/s0/roster.csv"))
S0_XLSX = Month(S0.folder, S0.policy, ("--metrics", "examples/s0/metrics.xlsx", "--roster", "examples/s0/roster.csv"))
S4 = Month("s4/2026-10", "policies/s4_path.yaml",
           ("--metrics", "examples/s4/metrics.csv", "--roster", "examples/s4/roster.csv",
            "--events", "examples/s4/events-2026-10.csv"))
S4_WITHOUT_EVENTS = Month(S4.folder, S4.policy, S4.files[:4])
S3_MONTHS = ("2026-10", "2026-11", "2026-12")
CAREERS_MONTHS = ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03")
MONTHS = (
    S0,
    Month("s1/2026-10", "policies/s1_ranking.yaml", ("--metrics", "examples/s1/metrics.csv")),
    Month("s2/2026-10", "policies/s2_commission.yaml", ("--metrics", "examples/s2/metrics.csv")),
    *(Month(f"s3/{m}", "policies/s3_points.yaml", ("--metrics", f"examples/s3/metrics-{m}.csv")) for m in S3_MONTHS),
    S4,
    *(Month(f"careers/{m}", "policies/s0_shop.yaml",
            ("--metrics", f"examples/careers/metrics-{m}.csv", "--roster", "examples/careers/roster.csv"))
      for m in CAREERS_MONTHS),
    Month("template/2026-10", "policies/template_scorecard.yaml", ("--metrics", "examples/template/metrics.csv")),
)
POLICIES = {"s0": "policies/s0_shop.yaml", "s1": "policies/s1_ranking.yaml", "s2": "policies/s2_commission.yaml",
            "s3": "policies/s3_points.yaml", "s4": "policies/s4_path.yaml",
            "template": "policies/template_scorecard.yaml"}  # careers runs the S0 policy


def evaluate_cases(month: Month, name: str = "evaluate", formats: tuple[str, ...] = ("table", "json", "csv", "xlsx"),
                   ) -> list[Case]:
    """`evaluate` in each format and language; JSON is one file for both languages."""
    found = []
    for fmt in formats:
        for lang in LANGS:
            golden = {"table": f"{name}.table.{lang}.txt", "json": f"{name}.json", "csv": f"{name}.{lang}.csv",
                      "xlsx": f"{name}.{lang}.xlsx"}[fmt]
            out = golden if fmt == "xlsx" else None
            more = ("--out", out) if out else ()
            found.append(Case(f"{month.folder}/{golden}",
                              month.args("evaluate", "--format", fmt, *more, "--lang", lang), out=out))
    return found


def explain_cases(month: Month, agents: list[str], json_folder: str = "explain") -> list[Case]:
    """`explain --full` of each agent (the whole tree), text and JSON, in each language."""
    return [Case(f"{month.folder}/{folder}/{_file_name(agent)}.{lang}.{ext}",
                 month.args("explain", "--agent", agent, "--format", fmt, "--full", "--lang", lang))
            for agent in agents for fmt, ext, folder in (("text", "txt", "explain"), ("json", "json.gz", json_folder))
            for lang in LANGS]


def short_cases(month: Month, agents: list[str]) -> list[Case]:
    """`explain` of each agent as a supervisor reads it first (short, issue 18), text and JSON, in each language."""
    return [Case(f"{month.folder}/explain-short/{_file_name(agent)}.{lang}.{ext}",
                 month.args("explain", "--agent", agent, "--format", fmt, "--lang", lang))
            for agent in agents for fmt, ext in (("text", "txt"), ("json", "json.gz")) for lang in LANGS]


def agents_in(evaluate_json: bytes) -> list[str]:
    """The agents of a month, as `evaluate --format json` lists them (the golden file, in the test)."""
    return [result["agent"] for result in json.loads(evaluate_json)["results"]]


def cases(evaluated: Callable[[str], bytes]) -> list[Case]:
    """Every case that needs no ledger. `evaluated(golden)` gives the bytes of a month's
    `evaluate.json` (the stored golden file in the test; freshly computed here), which names the
    agents whose explanations are kept: every agent of every example month."""
    found = [Case(f"{example}/validate.{lang}.txt", ("validate", policy, "--lang", lang))
             for example, policy in POLICIES.items() for lang in LANGS]
    for month in MONTHS:
        found += evaluate_cases(month)
        found += explain_cases(month, agents_in(evaluated(f"{month.folder}/evaluate.json")))
        if month in (S0, S4):  # the short form of every agent of the scorecard and of the penalty month
            found += short_cases(month, agents_in(evaluated(f"{month.folder}/evaluate.json")))
        if month == S0:  # the same month from the typed workbook: the same bytes, but for explain's JSON,
            # whose values keep the digits they were read with (180000.00 in the CSV, 180000 in the workbook)
            found += evaluate_cases(S0_XLSX)
            found += explain_cases(S0_XLSX, ["1001", "2001"], json_folder="explain-metrics-xlsx")
        if month == S4:  # the README's command, without the events: a warning that no clause could fire
            found += evaluate_cases(S4_WITHOUT_EVENTS, "evaluate-without-events", ("table", "json"))
    return found


def _file_name(agent: str) -> str:
    """An agent id as a file name (the example ids are digits or Chinese nicknames, kept as they are)."""
    if not agent or agent.startswith(".") or any(c in agent for c in '/\\:*?"<>|') or not agent.isprintable():
        raise ValueError(f"agent id {agent!r} needs a file name of its own")
    return agent


# -- recorded months -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """An example recorded with `jixiao run` into a ledger of its own in the scratch folder."""

    example: str
    db: str
    script: tuple[Case, ...]  # the runs (and approvals) that fill it, in order; their outputs are goldens too
    reads: tuple[Case, ...]  # show, runs, history over the filled ledger


NOVEMBER = "made/s0-metrics-2026-11.csv"  # the S0 export with its month changed (tests/test_ledger_cli.py)
S4_ROSTER = "examples/s4/roster.csv"  # with the 入职日期 `run` needs for S4.4's tenure requirement


def _run(example: str, db: str, period: str, files: tuple[str, ...], lang: str) -> Case:
    return Case(f"{example}/recorded/run.{period}.{lang}.txt",
                ("run", "--period", period, *files, "--db", db, "--lang", lang))


def _show_month(example: str, db: str, period: str) -> list[Case]:
    found = []
    for fmt in ("table", "json", "csv", "xlsx"):
        for lang in LANGS:
            golden = {"table": f"show.table.{lang}.txt", "json": "show.json", "csv": f"show.{lang}.csv",
                      "xlsx": f"show.{lang}.xlsx"}[fmt]
            out = golden if fmt == "xlsx" else None
            more = ("--out", out) if out else ()
            args = ("show", "--period", period, "--format", fmt, *more, "--db", db, "--lang", lang)
            # A workbook names its run's recorded and approval times (the 记录 sheet): masked as runs does
            found.append(Case(f"{example}/recorded/{period}/{golden}", args, out=out, masked=fmt == "xlsx"))
    return found


def _show_agent(example: str, db: str, period: str, agent: str) -> list[Case]:
    return [Case(f"{example}/recorded/{period}/show-agent/{_file_name(agent)}.{lang}.{ext}",
                 ("show", "--period", period, "--agent", agent, "--format", fmt, "--full", "--db", db, "--lang", lang))
            for fmt, ext in (("text", "txt"), ("json", "json.gz")) for lang in LANGS]


def _runs(example: str, db: str) -> list[Case]:
    return [Case(f"{example}/recorded/{name}", ("runs", "--format", fmt, "--db", db, "--lang", lang), masked=True)
            for lang in LANGS for fmt, name in (("table", f"runs.{lang}.txt"), ("json", "runs.json"))]


def _history(example: str, db: str, agent: str) -> list[Case]:
    return [Case(f"{example}/recorded/history/{_file_name(agent)}{suffix}",
                 ("history", agent, "--format", fmt, "--db", db, "--lang", lang), masked=True)
            for lang in LANGS for fmt, suffix in (("table", f".{lang}.txt"), ("json", ".json"))]


def _reads(example: str, db: str, agents: dict[str, tuple[str, ...]], history: tuple[str, ...]) -> tuple[Case, ...]:
    found = []
    for period, shown in agents.items():
        found += _show_month(example, db, period)
        for agent in shown:
            found += _show_agent(example, db, period, agent)
    found += _runs(example, db)
    for agent in history:
        found += _history(example, db, agent)
    return tuple(found)


def ledgers() -> tuple[Ledger, ...]:
    """s0: October, a November copy (run in English) and October approved; careers: the six months
    as tests/test_careers_example.py replays them (two S0.7 reviews); s3: the quarter whose points
    accumulate (S3.1, windows); s4: October with its events (penalties, a loss deduction)."""
    s0 = ("--policy", S0.policy, "--roster", "examples/s0/roster.csv")
    careers = ("--policy", "policies/s0_shop.yaml", "--roster", "examples/careers/roster.csv")
    return (
        Ledger("s0", "s0.db",
               (_run("s0", "s0.db", "2026-10", (*s0, "--metrics", "examples/s0/metrics.csv"), "zh"),
                _run("s0", "s0.db", "2026-11", (*s0, "--metrics", NOVEMBER), "en"),
                Case("s0/recorded/approve.2026-10.zh.txt", ("approve", "--period", "2026-10", "--by", BY, "--db",
                                                            "s0.db", "--lang", "zh"))),
               _reads("s0", "s0.db", {"2026-10": ("1001", "2001"), "2026-11": ("1001", "2001")}, ("1001", "2001"))),
        Ledger("careers", "careers.db",
               tuple(_run("careers", "careers.db", m, (*careers, "--metrics", f"examples/careers/metrics-{m}.csv"),
                          "zh") for m in CAREERS_MONTHS),
               _reads("careers", "careers.db",
                      {"2026-10": (), "2026-11": ("1101",), "2026-12": ("1001", "1003", "1005", "1101"),
                       "2027-01": ("1003",), "2027-02": (), "2027-03": ("1003", "1004", "2002", "2102")},
                      ("1003", "1005", "2002"))),
        Ledger("s3", "s3.db",
               tuple(_run("s3", "s3.db", m, ("--policy", POLICIES["s3"], "--metrics", f"examples/s3/metrics-{m}.csv"),
                          "zh") for m in S3_MONTHS),
               _reads("s3", "s3.db", {"2026-10": ("5001",), "2026-11": ("5001", "5004"), "2026-12": ("5001", "5004")},
                      ("5001", "5004"))),
        Ledger("s4", "s4.db",
               (_run("s4", "s4.db", "2026-10", ("--policy", S4.policy, "--metrics", "examples/s4/metrics.csv",
                                                 "--roster", S4_ROSTER, "--events", "examples/s4/events-2026-10.csv"),
                     "en"),),
               _reads("s4", "s4.db", {"2026-10": ("1001", "1004", "2001", "2006")}, ("2006",))),
    )


# -- running a case --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """What a command produced: its output (stdout or the --out file), exit code and stderr."""

    data: bytes
    exit_code: int
    stderr: str


def scratch(folder: Path) -> Path:
    """A folder holding copies of policies/ and examples/ (and the November copy of the S0 export),
    where every command runs: paths relative to it are the same on every machine."""
    for name in ("policies", "examples"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (ROOT / "examples" / "s0" / "metrics.csv").read_bytes().decode("gb18030")
    text = text.replace("2026-10-01 ~ 2026-10-31", "2026-11-01 ~ 2026-11-30").replace(",2026-10,", ",2026-11,")
    (folder / NOVEMBER).parent.mkdir()
    (folder / NOVEMBER).write_bytes(text.encode("gb18030"))
    return folder


def invoke(case: Case, folder: Path, stamps: frozenset[str] = frozenset()) -> Output:
    """Run one case in `folder`; `stamps` are the recorded times a masked case's output hides."""
    with contextlib.chdir(folder):
        result = CliRunner().invoke(main, list(case.args))
        data = result.stdout_bytes
        if case.out is not None and result.exit_code == 0:
            data = Path(case.out).read_bytes()
            Path(case.out).unlink()
    if case.masked:
        data = mask(data, stamps)
    return Output(data, result.exit_code, result.stderr)


def mask(data: bytes, stamps: frozenset[str]) -> bytes:
    """`data` with each of the ledger's recorded times replaced by STAMP (nothing else); in a workbook
    (a zip archive), in each of its files, written again in order with the archive's fixed dates."""
    if data.startswith(b"PK\x03\x04"):
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, mask(source.read(item.filename), stamps))
        return out.getvalue()
    for stamp in sorted(stamps):
        data = data.replace(stamp.encode(), STAMP.encode())
    return data


def recorded_times(folder: Path, db: str) -> frozenset[str]:
    """The times the ledger recorded: each run's `recorded_at` and each approval's or reopening's
    `at`, as `jixiao runs --format json` reports them."""
    result = invoke(Case("", ("runs", "--format", "json", "--db", db)), folder)
    if result.exit_code != 0:
        raise RuntimeError(f"jixiao runs --db {db} failed: {result.stderr}")
    shown = json.loads(result.data)
    times = {run["recorded_at"] for run in shown["runs"]}
    times |= {run["approved"]["at"] for run in shown["runs"] if run.get("approved")}
    times |= {event["at"] for event in shown["events"]}
    if not all(len(t) == len(STAMP) and t.endswith("Z") for t in times):
        raise RuntimeError(f"recorded times not in the form {STAMP}: {sorted(times)}")
    return frozenset(times)


def fill(ledger: Ledger, folder: Path) -> tuple[dict[str, Output], frozenset[str]]:
    """Run the ledger's script in `folder`: each command's output, and the times it recorded."""
    outputs = {}
    for case in ledger.script:
        outputs[case.command] = output = invoke(case, folder)
        if output.exit_code != 0:
            raise RuntimeError(f"{case.command} exited {output.exit_code}:\n{output.stderr}")
    return outputs, recorded_times(folder, ledger.db)


# -- what is kept ----------------------------------------------------------------------------------


def section(case: Case, output: Output) -> str:
    """The case's entry in its example's commands.txt: command, golden file, exit code, stderr."""
    lines = [f"$ {case.command}", f"> {case.golden}", f"exit {output.exit_code}"]
    err = output.stderr.split("\n")
    if err[-1] == "":
        err.pop()
    else:
        err.append("\\ no newline at the end of stderr")
    lines += [f"2> {line}".rstrip(" ") if line else "2>" for line in err]
    return "\n".join(lines) + "\n"


HEADER = ("# Every command of this folder's golden files: the command (run in a scratch folder holding policies/ and\n"
          "# examples/), the file its output is kept in, its exit code and its stderr (2> lines).\n"
          "# Written by python tests/golden/make_golden.py; compared by tests/test_golden.py.\n")


def parse_commands(text: str) -> dict[str, str]:
    """commands.txt back into {command: section}."""
    found = {}
    for block in text.split("\n\n"):
        block = "\n".join(line for line in block.split("\n") if not line.startswith("#")).strip("\n")
        if block:
            found[block.split("\n", 1)[0][2:]] = block + "\n"
    return found


def stored(path: Path) -> bytes:
    """A golden file's content (decompressed when kept as .gz)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _packed(name: str, data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0) if name.endswith(".gz") else data


# -- the whole set ---------------------------------------------------------------------------------


def generate(folder: Path) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """Every golden file's content, and each example's commands.txt sections, computed in `folder`."""
    files: dict[str, bytes] = {}
    commands: dict[str, list[str]] = {example: [] for example in EXAMPLES}
    seen: dict[str, Case] = {}

    def keep(case: Case, output: Output) -> None:
        if case.command in seen:
            raise RuntimeError(f"two cases run the same command: {case.command}")
        seen[case.command] = case
        if output.exit_code != 0:
            raise RuntimeError(f"{case.command} exited {output.exit_code}:\n{output.stderr}")
        if case.golden in files and files[case.golden] != output.data:
            other = next(c for c in seen.values() if c.golden == case.golden and c is not case)
            raise RuntimeError(f"{case.golden}: these two commands were expected to print the same bytes, "
                               f"and do not:\n  {other.command}\n  {case.command}")
        files[case.golden] = output.data
        commands[case.example].append(section(case, output))

    computed: dict[str, Output] = {}

    def evaluated(golden: str) -> bytes:
        month = next(m for m in MONTHS if golden == f"{m.folder}/evaluate.json")
        case = Case(golden, month.args("evaluate", "--format", "json", "--lang", "zh"))
        computed[case.command] = computed.get(case.command) or invoke(case, folder)
        return computed[case.command].data

    for case in cases(evaluated):
        keep(case, computed.pop(case.command, None) or invoke(case, folder))
    for ledger in ledgers():
        outputs, stamps = fill(ledger, folder)
        for case in ledger.script:
            keep(case, outputs[case.command])
        for case in ledger.reads:
            keep(case, invoke(case, folder, stamps))
    return files, commands


def write(into: Path, files: dict[str, bytes], commands: dict[str, list[str]]) -> list[str]:
    """Write the set under `into`: only files whose content changed (a compressed file is rewritten
    only when what it holds changed), and remove golden files no case makes any more."""
    changed = []
    wanted = {**files, **{f"{example}/{COMMANDS}": (HEADER + "\n" + "\n".join(sections)).encode()
                         for example, sections in commands.items()}}
    for name, data in sorted(wanted.items()):
        path = into / name
        if path.exists() and stored(path) == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_packed(name, data))
        changed.append(name)
    for example in EXAMPLES:
        for path in sorted((into / example).rglob("*")):
            if path.is_file() and path.relative_to(into).as_posix() not in wanted:
                path.unlink()
                changed.append(f"{path.relative_to(into).as_posix()} (removed)")
        for path in sorted((into / example).rglob("*"), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="jixiao-golden-") as tmp:
        yield scratch(Path(tmp))


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write jixiao's golden outputs (only when an output is meant "
                                                 "to change; say why in the commit).")
    parser.add_argument("--into", type=Path, default=GOLDEN, help="folder to write into (default: tests/golden)")
    into = parser.parse_args(argv).into.resolve()
    with scratch_folder() as folder:
        files, commands = generate(folder)
    changed = write(into, files, commands)
    print(f"{len(files)} golden files and {len(EXAMPLES)} commands.txt under {into}; "
          f"{len(changed)} written or removed")
    for name in changed:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
