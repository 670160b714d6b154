"""A shipped example month scaled to many agents, in the example's own format, for benchmarks.

Each generated agent is a copy of one of the example's agents (its template) with a new id, name
and team, and every number varied from a seed: amounts, counts and durations by a factor of
0.7–1.3 at the places the example shows, rates by up to 5 points (within 0–100 %). A cell keeps
its template's form — `"180,000.00"`, `¥12.50`, `97.50%`, `25秒`, `1分5秒`, `00:00:45`, `-`, an
empty cell — and the file its template's encoding (GB18030, UTF-8 with or without BOM), line ends,
the title lines above the header and the summary rows below the data (copied as they are: the
reader skips them, and their figures are the example's). The roster gives each agent its
template's row (role, grade, dates) under the new id, name and team; an events file gives each
agent its template's events, unchanged but for the agent.

Teams are the example's teams copied: each new team takes one example team as its template, a
size of 6–24, its lead roles once (S4's supervisors) and the rest drawn from the template's other
members. The same seed and count give the same bytes.

    python benchmarks/scale_examples.py CASE AGENTS FOLDER [--seed 2026] [--ascii-ids]

writes one case's month (s0, s1, s2, roster, roster+events, s3, s4, s4+events, template) into FOLDER
and prints the arguments of `jixiao evaluate` that read it, one a line.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
POLICIES = ROOT / "policies"

TEAM_SIZES = (6, 24)
FACTOR = (0.7, 1.3)
RATE_POINTS = 5.0
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
            "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严")
GIVEN = "晓梅娜伟静洋敏丽杰芳强磊雪峰琳远佳薇然凡宇超美香浩欣怡婷涛鹏辉霞燕华军平红玲蕾倩颖瑶琪萍莉"


@dataclass(frozen=True)
class Example:
    """One shipped policy's example month, and what its columns mean to the generator."""

    case: str  # the benchmark's name for it
    policy: str  # under policies/
    metrics: str  # under examples/
    key: str  # the column naming the agent, in every file
    roster: str | None = None
    events: str | None = None
    team: str | None = None  # the team column, in the metrics and the roster
    role: str | None = None  # the roster's role column
    leads: tuple[str, ...] = ()  # roles a team has one of, first (S4.4/S4.5)
    name: str | None = "姓名"
    period: str | None = None  # --period, where the example needs it (events)
    numbered: dict[str, str] = field(default_factory=dict)  # roster column → prefix of a unique number


EXAMPLES_BY_CASE = {e.case: e for e in (
    Example("s0", "s0_shop.yaml", "s0/metrics.csv", "工号", roster="s0/roster.csv", team="组别", role="岗位"),
    Example("s1", "s1_ranking.yaml", "s1/metrics.csv", "客服昵称", name=None),
    Example("s2", "s2_commission.yaml", "s2/metrics.csv", "工号"),
    Example("roster", "s2_roster.yaml", "roster/metrics.csv", "客服昵称", roster="roster/roster.csv", role="岗位",
            name=None, numbered={"工号": "HR"}),
    Example("roster+events", "s2_roster.yaml", "roster/metrics.csv", "客服昵称", roster="roster/roster.csv",
            events="roster/events-2026-10.csv", role="岗位", name=None, numbered={"工号": "HR"}),
    Example("s3", "s3_points.yaml", "s3/metrics-2026-10.csv", "工号", team="组别"),
    Example("s4", "s4_path.yaml", "s4/metrics.csv", "工号", roster="s4/roster.csv", team="组别", role="岗位",
            leads=("见习客服主管", "客服主管")),
    Example("s4+events", "s4_path.yaml", "s4/metrics.csv", "工号", roster="s4/roster.csv",
            events="s4/events-2026-10.csv", team="组别", role="岗位", leads=("见习客服主管", "客服主管"),
            period="2026-10"),
    Example("template", "template_scorecard.yaml", "template/metrics.csv", "工号"),
)}


@dataclass(frozen=True)
class _Table:
    """A CSV example as its parts: bytes-level form, the lines around the data, header and rows."""

    encoding: str
    newline: str
    above: list[str]  # raw lines above the header
    header: list[str]
    rows: list[list[str]]
    below: list[list[str]]  # summary rows after the data


def _read(path: Path, key: str) -> _Table:
    """The example file's parts as its bytes show them: a BOM is UTF-8 with BOM, text that is not UTF-8
    is GB18030 (the back-office exports); the header is the first row naming `key`."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"
    text = raw.decode(encoding)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    at = next(i for i, line in enumerate(lines) if key in next(csv.reader([line]), []))
    rows = [r for r in csv.reader(io.StringIO(newline.join(lines[at:]))) if r]
    header, body = rows[0], rows[1:]
    data = [r for r in body if r[0] != "合计"]
    return _Table(encoding, newline, lines[:at], header, data, [r for r in body if r[0] == "合计"])


_AMOUNT = re.compile(r"^(¥?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_RATE = re.compile(r"^(\d+)(?:\.(\d+))?%$")
_SECONDS = re.compile(r"^(\d+)秒$")
_MINUTES = re.compile(r"^(\d+)分(?:(\d+)秒)?$")
_CLOCK = re.compile(r"^(\d\d):(\d\d):(\d\d)$")
Maker = Callable[[random.Random], str]


def _amount(cell: str) -> Maker | None:
    match = _AMOUNT.match(cell)
    if not match:
        return None
    sign, digits, places = match.group(1), match.group(2), match.group(3) or ""
    value = float(digits.replace(",", "") + ("." + places if places else ""))
    form = f"{{:{',' if ',' in digits else ''}.{len(places)}f}}"
    low, high = FACTOR
    return lambda rng: sign + form.format(value * rng.uniform(low, high))


def _rate(cell: str) -> Maker | None:
    match = _RATE.match(cell)
    if not match:
        return None
    places = len(match.group(2) or "")
    value = float(cell[:-1])
    form = f"{{:.{places}f}}%"
    return lambda rng: form.format(min(100.0, max(0.0, value + rng.uniform(-RATE_POINTS, RATE_POINTS))))


def _minutes_seconds(total: int) -> str:
    minutes, seconds = divmod(total, 60)
    return f"{minutes}分{seconds}秒" if seconds else f"{minutes}分"


def _duration(cell: str) -> Maker | None:
    """Seconds in the template's form: `25秒`, `1分5秒` / `1分`, `00:00:45`."""
    low, high = FACTOR
    if match := _SECONDS.match(cell):
        seconds = int(match.group(1))
        return lambda rng: f"{round(seconds * rng.uniform(low, high))}秒"
    if match := _MINUTES.match(cell):
        seconds = int(match.group(1)) * 60 + int(match.group(2) or 0)
        return lambda rng: _minutes_seconds(max(1, round(seconds * rng.uniform(low, high))))
    if match := _CLOCK.match(cell):
        seconds = int(match.group(1)) * 3600 + int(match.group(2)) * 60 + int(match.group(3))

        def clock(rng: random.Random) -> str:
            hours, rest = divmod(round(seconds * rng.uniform(low, high)), 3600)
            return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"

        return clock
    return None


def _maker(cell: str) -> Maker:
    """How a template cell varies: a number in its own form, or the text as it is."""
    for kind in (_amount, _rate, _duration):
        if (made := kind(cell)) is not None:
            return made
    return lambda rng: cell


def _team_columns(example: Example, header: list[str]) -> list[int]:
    """The columns of metrics the policy reads per team (`scope: team`): one value for a whole team."""
    policy = yaml.safe_load((POLICIES / example.policy).read_text(encoding="utf-8"))
    names: set[str] = set()
    for metric in (policy.get("metrics") or {}).values():
        if isinstance(metric, dict) and metric.get("scope") == "team":
            names |= {metric["label"]["zh"], *(metric.get("aliases") or ())}
    return [i for i, column in enumerate(header) if column in names]


def _agent_id(template: str, number: int, ascii_ids: bool = False) -> str:
    """A numeric id for a numeric template (1001 → 10000001); a nickname with the template's
    shop prefix otherwise (店铺:小美 → 店铺:客服0000001), or with `ascii_ids` one that starts with a
    Latin letter (kf0000001), as some shops name their agents."""
    if template.isdigit():
        return str(10_000_000 + number)
    if ascii_ids:
        return f"kf{number:07d}"
    prefix = template.split(":", 1)[0] + ":" if ":" in template else ""
    return f"{prefix}客服{number:07d}"


def _person(number: int) -> str:
    given = GIVEN[number % len(GIVEN)] + GIVEN[(number // len(GIVEN)) % len(GIVEN)]
    return SURNAMES[(number // len(GIVEN) ** 2) % len(SURNAMES)] + given


def _plan_agents(example: Example, metrics: _Table, roster: _Table | None, count: int,
                 rng: random.Random) -> list[tuple[int, str]]:
    """Each new agent as (template row index, team name or ''), teams whole and in order."""
    if example.team is None:
        return [(rng.randrange(len(metrics.rows)), "") for _ in range(count)]
    at = metrics.header.index(example.team)
    key = metrics.header.index(example.key)
    roles: dict[str, str] = {}
    if roster is not None and example.role is not None:
        rk, rr = roster.header.index(example.key), roster.header.index(example.role)
        roles = {r[rk]: r[rr] for r in roster.rows}
    teams: dict[str, list[int]] = {}
    for i, row in enumerate(metrics.rows):
        teams.setdefault(row[at], []).append(i)
    templates = list(teams.items())
    agents: list[tuple[int, str]] = []
    number = 0
    while len(agents) < count:
        name, members = templates[number % len(templates)]
        number += 1
        leads = [i for i in members if roles.get(metrics.rows[i][key]) in example.leads]
        others = [i for i in members if i not in leads]
        size = rng.randint(*TEAM_SIZES)
        chosen = leads + rng.choices(others, k=max(0, size - len(leads)))
        agents.extend((i, f"{name}-{number}") for i in chosen)
    return agents[:count]


def _write(path: Path, table: _Table, rows: Iterable[Sequence[str]], below: Sequence[Sequence[str]]) -> None:
    """The table's lines above the header, its header, `rows` and the summary rows, in its encoding,
    written a block of rows at a time (a million rows are never held as text)."""
    with path.open("w", encoding=table.encoding, newline="") as out:
        for line in table.above:
            out.write(line + table.newline)
        writer = csv.writer(out, lineterminator=table.newline)
        writer.writerow(table.header)
        writer.writerows(rows)
        writer.writerows(below)


@dataclass(frozen=True)
class Month:
    """The files of one scaled month and the command-line arguments that name them."""

    metrics: Path
    roster: Path | None
    events: Path | None
    agents: int

    def arguments(self, example: Example) -> list[str]:
        args = ["--policy", str(POLICIES / example.policy), "--metrics", str(self.metrics)]
        if self.roster:
            args += ["--roster", str(self.roster)]
        if self.events:
            args += ["--events", str(self.events)]
        if example.period:
            args += ["--period", example.period]
        return args


def scale(example: Example, count: int, folder: Path, seed: int = 2026, ascii_ids: bool = False) -> Month:
    """Write `count` agents of `example`'s month into `folder` (metrics, roster and events as it has);
    `ascii_ids`: nicknames start with a Latin letter, not the example's Chinese."""
    rng = random.Random(seed)
    metrics = _read(EXAMPLES / example.metrics, example.key)
    roster = _read(EXAMPLES / example.roster, example.key) if example.roster else None
    events = _read(EXAMPLES / example.events, example.key) if example.events else None
    plan = _plan_agents(example, metrics, roster, count, rng)
    key = metrics.header.index(example.key)
    # Each agent as (number, template's key, new key, team), the same for every file.
    agents = [(n, metrics.rows[t][key], _agent_id(metrics.rows[t][key], n, ascii_ids), team) for n, (t, team) in
              enumerate(plan, 1)]
    metrics_path = folder / f"metrics{Path(example.metrics).suffix}"
    _write(metrics_path, metrics, _metrics_rows(example, metrics, plan, agents, rng), metrics.below)
    roster_path = events_path = None
    if roster is not None:
        roster_path = folder / "roster.csv"
        _write(roster_path, roster, _roster_rows(example, roster, agents), roster.below)
    if events is not None:
        events_path = folder / "events.csv"
        _write(events_path, events, _event_rows(example, events, agents), events.below)
    return Month(metrics_path, roster_path, events_path, count)


Agent = tuple[int, str, str, str]  # number, the template's key, the new key, the team ('' without teams)


def _metrics_rows(example: Example, metrics: _Table, plan: list[tuple[int, str]], agents: list[Agent],
                  rng: random.Random) -> Iterator[list[str]]:
    key = metrics.header.index(example.key)
    name = metrics.header.index(example.name) if example.name in metrics.header else None
    team = metrics.header.index(example.team) if example.team else None
    makers = [[_maker(cell) for cell in row] for row in metrics.rows]
    shared = _team_columns(example, metrics.header) if example.team else []
    team_values: dict[int, str] = {}
    last = None
    for (template, _), (number, _, agent, team_name) in zip(plan, agents, strict=True):
        row = [make(rng) for make in makers[template]]
        if shared and team_name != last:
            team_values = {i: row[i] for i in shared}  # the team's first member sets its value
            last = team_name
        for i, value in team_values.items():
            row[i] = value
        row[key] = agent
        if name is not None:
            row[name] = _person(number)
        if team is not None:
            row[team] = team_name
        yield row


def _roster_rows(example: Example, roster: _Table, agents: list[Agent]) -> Iterator[list[str]]:
    rk = roster.header.index(example.key)
    by_key = {r[rk]: r for r in roster.rows}
    name = roster.header.index("姓名") if "姓名" in roster.header else None
    team = roster.header.index(example.team) if example.team and example.team in roster.header else None
    numbered = {roster.header.index(c): prefix for c, prefix in example.numbered.items() if c in roster.header}
    for number, template, agent, team_name in agents:
        row = list(by_key[template])
        row[rk] = agent
        if name is not None:
            row[name] = _person(number)
        if team is not None:
            row[team] = team_name
        for column, prefix in numbered.items():
            row[column] = f"{prefix}{number:07d}"
        yield row


def _event_rows(example: Example, events: _Table, agents: list[Agent]) -> Iterator[list[str]]:
    """Each agent's template's events, under the agent's key."""
    ek = events.header.index(example.key)
    by_agent: dict[str, list[list[str]]] = {}
    for row in events.rows:
        by_agent.setdefault(row[ek], []).append(row)
    for _, template, agent, _ in agents:
        for row in by_agent.get(template, ()):
            yield [*row[:ek], agent, *row[ek + 1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(EXAMPLES_BY_CASE))
    parser.add_argument("agents", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--ascii-ids", action="store_true", help="nicknames start with a Latin letter (kf0000001)")
    args = parser.parse_args()
    example = EXAMPLES_BY_CASE[args.case]
    args.folder.mkdir(parents=True, exist_ok=True)
    month = scale(example, args.agents, args.folder, args.seed, args.ascii_ids)
    print("\n".join(month.arguments(example)))


if __name__ == "__main__":
    main()
