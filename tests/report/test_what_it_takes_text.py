"""`jixiao explain --what-it-takes`: the section's exact words, zh and en, for an S0 agent under the S0.5
gate and an S4 agent whose slow replies (S4.P24) a UTC log splits across two Shanghai days; `--format json`
carries the same counterfactuals under `what_it_takes`; without the flag explain is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import run
from harness.files import events_file
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER, S4_METRICS, S4_POLICY, S4_ROSTER

S0_ARGS = ("explain", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER, "--agent", "2001")

# The section's expected words, one file per agent and language (lines too long for this file):
# s0-2001: S0.1/S0.3/S0.5, 2001 scores 52.33 (sales 60000 of a 150000 target), under the 60-point gate.
# s4-2006-utc-log: S4.P24, four first responses of 61 s at 15:10, 15:40, 16:10 and 16:40 UTC on 12 Oct are 23:10
# and 23:40 on the 12th and 00:10 and 00:40 on the 13th in Shanghai: two a day, no day with more than 3.
EXPECTED = Path(__file__).parent / "what_it_takes"


def _expected(name: str) -> str:
    return (EXPECTED / name).read_text(encoding="utf-8")


def _section(output: str) -> str:
    """The section as `--full` ends with it; the short form says the same lines after the summary,
    under the same heading without its colon (checked here too, from one run of each form)."""
    for head in ("达成所需", "What it would take"):
        if "\n" + head in output:
            return output[output.index("\n" + head) + 1:]
    raise AssertionError(output)


def _short_section(output: str) -> str:
    for head in ("达成所需", "What it would take"):
        if "\n" + head in output:
            section = output[output.index("\n" + head) + 1:]
            title, rest = section.split("\n", 1)
            return title + ("：" if head == "达成所需" else ":") + "\n" + rest[:rest.index("\n\n") + 1]
    raise AssertionError(output)


def run_both(*args: str) -> str:
    """The section from `--full` (at its end), held equal to the short form's section."""
    full = _section(run(*args, "--full").stdout)
    assert _short_section(run(*args).stdout) == full
    return full


def test_S0_5_an_agent_under_the_gate_reads_each_kpi_the_next_rating_and_what_keeps_her_commission():
    assert run_both(*S0_ARGS, "--what-it-takes") == _expected("s0-2001.zh.txt")
    assert run_both(*S0_ARGS, "--what-it-takes", "--lang", "en") == _expected("s0-2001.en.txt")


def _utc_log(tmp_path):
    rows = [f"2006,2026-10-12T{t}:00Z,首响,61,,N{i}," for i, t in enumerate(("15:10", "15:40", "16:10", "16:40"))]
    return events_file(tmp_path / "events.csv", rows)


def test_S4_P24_slow_replies_a_utc_log_splits_across_two_shanghai_days_are_counted_on_both(tmp_path):
    args = ("explain", "-p", S4_POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--events", _utc_log(tmp_path), "-a", "2006",
            "--what-it-takes")
    assert run_both(*args) == _expected("s4-2006-utc-log.zh.txt")
    assert run_both(*args, "--lang", "en") == _expected("s4-2006-utc-log.en.txt")


def test_json_carries_what_it_takes_for_other_tools():
    found = json.loads(run(*S0_ARGS, "--what-it-takes", "--format", "json").stdout)["what_it_takes"]
    assert found["next_rating"]["rating"] == "pass" and found["next_rating"]["gap"] == "7.67"
    (move,) = found["next_rating"]["moves"]
    assert move["change"] == {"metric": "sales", "before": "60000.00", "after": "98010.00"}
    assert move["reached"]["total"] == "1893.80" and move["reached"]["pay"] == {"base": "1800.00",
                                                                                 "performance": "93.80"}
    assert [c["component"] for c in found["cancelled"]] == ["performance"]


def test_the_whole_tree_is_unchanged_without_the_flag_and_the_short_form_says_it_by_default():
    full = run(*S0_ARGS, "--full")
    assert full.exit_code == 0 and "达成所需" not in full.stdout
    assert "what_it_takes" not in json.loads(run(*S0_ARGS, "--full", "--format", "json").stdout)
    assert run(*S0_ARGS, "--full", "--no-what-it-takes").stdout == full.stdout
    assert "达成所需" in run(*S0_ARGS).stdout and "达成所需" not in run(*S0_ARGS, "--no-what-it-takes").stdout


def test_S4_P24_a_fired_day_names_its_count_and_how_many_fewer_keep_each_bonus(tmp_path):
    """S4.P24: five slow replies on 12 Oct (Shanghai) cancel 2006's 考核优秀奖 (200) and 阶梯奖 (250); two fewer
    that day keeps both: 2800.04 → 3250.04 (s4-2006-fired.*.txt)."""
    rows = [f"2006,2026-10-12 1{i}:00:00,首响,61,,N{i}," for i in range(5)]
    args = ("explain", "-p", S4_POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--events",
            events_file(tmp_path / "events.csv", rows), "-a", "2006", "--what-it-takes")
    assert run_both(*args) == _expected("s4-2006-fired.zh.txt")
    assert run_both(*args, "--lang", "en") == _expected("s4-2006-fired.en.txt")
