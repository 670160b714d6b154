"""The columnar writer (engine.report.frame_write) writes exactly what engine.report.tables writes, or
says NotCovered: every shipped example month, and generated results full of what breaks writers
(commas, quotes, formula starts, CJK, control and bidi characters, emojis, negative zero, values at
the edge of 64 bits, mixed places, missing ratings), never a different byte (issue 19)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model import frames as f
from engine.model.frames import ColumnarResults, NotCovered
from engine.model.frames import places as places_of
from engine.model.plan import Plan, RosterKeys
from engine.model.results import AgentResult
from engine.month import Files, evaluate_files
from engine.pipeline import prepare
from engine.report import tables
from engine.report.frame_write import from_results, render_frame, to_csv, to_json, to_results
from engine.report.headings import choice_metrics

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
import make_golden as golden  # noqa: E402

LANGS = ("zh", "en")


def _month(month: golden.Month) -> tuple[Plan, list[AgentResult]]:
    """An example month evaluated as `jixiao evaluate` evaluates it (tests/golden/make_golden.py)."""
    plan, results = _evaluated(month)
    return plan, list(results)


@functools.cache
def _evaluated(month: golden.Month) -> tuple[Plan, tuple[AgentResult, ...]]:
    given_ = dict(zip(month.files[::2], month.files[1::2], strict=True))
    done = evaluate_files(Files(str(ROOT / month.policy), str(ROOT / given_["--metrics"]),
                                *(str(ROOT / given_[o]) if o in given_ else None for o in ("--roster", "--team-file")),
                                None, str(ROOT / given_["--events"]) if "--events" in given_ else None),
                          None, trace=False)
    return done.plan, done.results


def _same(plan: Plan, results: list[AgentResult], frame: ColumnarResults) -> None:
    """Each format the columnar writer covers is the reference's bytes, or NotCovered."""
    for fmt, lang in (("csv", "zh"), ("csv", "en"), ("json", "zh")):
        try:
            mine = render_frame(plan, frame, fmt, lang)
        except NotCovered:
            continue
        assert mine == tables.render(plan, results, fmt, lang), (fmt, lang)
    with contextlib.suppress(NotCovered):
        assert to_json(plan, frame, rules=False) == tables.to_json(plan, results, rules=False)


@pytest.mark.parametrize("month", golden.MONTHS, ids=[m.folder for m in golden.MONTHS])
def test_every_example_month_is_covered_and_byte_identical(month):
    plan, results = _month(month)
    frame = from_results(plan, results)
    for lang in LANGS:
        assert to_csv(plan, frame, lang) == tables.to_csv(plan, results, lang)
        assert render_frame(plan, frame, "csv", lang) == tables.render(plan, results, "csv", lang)
    assert to_json(plan, frame) == tables.to_json(plan, results)
    assert to_json(plan, frame, rules=False) == tables.to_json(plan, results, rules=False)
    assert render_frame(plan, frame, "json") == tables.render(plan, results, "json")
    assert to_results(plan, frame) == results


def test_the_golden_files_themselves():
    """The S4 month (penalties, a pay group, a choice metric, no scorecard) against its stored golden bytes."""
    plan, results = _month(golden.S4)
    frame = from_results(plan, results)
    folder = ROOT / "tests" / "golden" / golden.S4.folder
    assert render_frame(plan, frame, "json") == (folder / "evaluate.json").read_bytes()
    for lang in LANGS:
        assert render_frame(plan, frame, "csv", lang) == (folder / f"evaluate.{lang}.csv").read_bytes()


def test_template_points_of_differing_places_keep_each_row_s_digits():
    """The template's KPI points come from exact divisions: 30 beside 25.5. The column holds them at one
    scale (300, 255 at 1 place) with each row's places beside it, and prints 30 and 25.5 as the reference does."""
    plan, results = _month(next(m for m in golden.MONTHS if m.folder.startswith("template")))
    frame = from_results(plan, results)
    column = f.kpi("completion")
    assert frame.scales[column] == 1
    assert frame.frame[column].to_list()[:3] == [300, 300, 255]
    assert frame.frame[places_of(column)].to_list()[:3] == [0, 0, 1]
    assert '"completion": "30"' in to_json(plan, frame) and '"completion": "25.5"' in to_json(plan, frame)


def test_formats_the_columnar_writer_does_not_write_are_not_covered():
    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    for fmt in ("table", "xlsx"):
        with pytest.raises(NotCovered) as caught:
            render_frame(plan, frame, fmt, "zh")
        assert fmt in str(caught.value) and fmt in caught.value.zh


def test_empty_month():
    plan, _ = _month(golden.S0)
    frame = from_results(plan, [])
    for lang in LANGS:
        assert to_csv(plan, frame, lang) == tables.to_csv(plan, [], lang)
    assert to_json(plan, frame) == tables.to_json(plan, [])
    assert to_results(plan, frame) == []


def _s0_result(**changed) -> AgentResult:
    return _evaluated(golden.S0)[1][0]._replace(**changed)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal(2**63), Decimal(-(2**63)),
                                   Decimal("92233720368547758.08")])
def test_values_columns_cannot_hold_exactly_are_not_covered(value):
    plan, _ = _month(golden.S0)
    with pytest.raises(NotCovered):
        from_results(plan, [_s0_result(total=value)])


def test_the_largest_64_bit_values_and_negative_zero_are_written_exactly():
    plan, _ = _month(golden.S0)
    results = [_s0_result(total=Decimal("92233720368547758.07")),
               _s0_result(agent="2", total=Decimal("-92233720368547758.07")),
               _s0_result(agent="3", total=Decimal("-0.00"))]
    frame = from_results(plan, results)
    assert frame.frame["total"].to_list() == [2**63 - 1, -(2**63 - 1), 0]
    _same(plan, results, frame)
    assert ',"-92233720368547758.07",' not in to_csv(plan, frame)  # numbers are never quoted
    assert '"total": "0.00"' in to_json(plan, frame)


def test_a_scored_result_without_a_score_is_written_empty_and_null():
    plan, results = _month(golden.S0)
    results = [results[0]._replace(score=None), *results[1:]]
    frame = from_results(plan, results)
    _same(plan, results, frame)
    assert '"score": null' in to_json(plan, frame)


def test_frames_the_writer_cannot_trust_are_not_covered():
    """A number column of floats (a number never computed exactly), or one missing, is refused."""
    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    floats = ColumnarResults(frame.frame.with_columns(pl.col("total").cast(pl.Float64)), frame.scales)
    missing = ColumnarResults(frame.frame.drop("total"), frame.scales)
    no_agent = ColumnarResults(frame.frame.drop("agent"), frame.scales)
    for bad in (floats, missing, no_agent):
        for fmt in ("csv", "json"):
            with pytest.raises(NotCovered):
                render_frame(plan, bad, fmt, "zh")


def test_columns_in_another_order_are_written_in_the_policy_s_order():
    """The reports list KPIs, pay lines and flags in the policy's order, whatever order the frame holds them in;
    a frame missing one of the policy's is refused (its cells would shift under another heading)."""
    for month in (golden.S0, golden.MONTHS[1], golden.S4):  # S1 has flags, S4 penalties and a choice
        plan, results = _month(month)
        frame = from_results(plan, results)
        shuffled = ColumnarResults(frame.frame.select(list(reversed(frame.frame.columns))), frame.scales)
        _same(plan, results, shuffled)
        assert to_json(plan, shuffled) == tables.to_json(plan, results)
        assert to_results(plan, shuffled) == results
        short = ColumnarResults(frame.frame.drop(f.pay(plan.pay[-1])), frame.scales)
        for fmt in ("csv", "json"):
            with pytest.raises(NotCovered):
                render_frame(plan, short, fmt, "zh")


def test_text_held_as_categories_is_written_the_same():
    plan, results = _month(next(m for m in golden.MONTHS if m.folder == "careers/2026-12"))
    frame = from_results(plan, results)
    categories = ColumnarResults(frame.frame.with_columns(pl.col("team", "role", "grade", "rating", "period")
                                                          .cast(pl.Categorical)), frame.scales)
    for lang in LANGS:
        assert to_csv(plan, categories, lang) == tables.to_csv(plan, results, lang)
    assert to_json(plan, categories) == tables.to_json(plan, results)


def test_text_that_is_not_unicode_is_not_covered():
    """A lone surrogate cannot be UTF-8 (the reference fails to encode it); columns cannot hold it."""
    plan, _ = _month(golden.S0)
    with pytest.raises(NotCovered):
        from_results(plan, [_s0_result(name="\udc80")])


def test_results_whose_names_differ_are_not_covered():
    plan, results = _month(golden.S0)
    other = results[1]._replace(kpis=tuple((f"x{name}", v) for name, v in results[1].kpis))
    with pytest.raises(NotCovered):
        from_results(plan, [results[0], other])


def test_a_frame_whose_places_cut_digits_is_not_covered():
    """A row claiming fewer places than its digits need would print a wrong number: refused, never cut."""
    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    column = f.pay(plan.pay[0])
    bad = ColumnarResults(frame.frame.with_columns(pl.lit(0, pl.Int32).alias(places_of(column)),
                                                   (pl.col(column) + 1).alias(column)), frame.scales)
    for fmt in ("csv", "json"):
        with pytest.raises(NotCovered):
            render_frame(plan, bad, fmt, "zh")


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1) | st.sampled_from([0, 1, -1, 10**18]),
                min_size=1, max_size=6),
       st.integers(min_value=-3, max_value=45), st.booleans())
def test_every_whole_number_at_every_scale_prints_as_its_decimal(values, scale, native):
    """The number text, printed by polars' writer (native) or made as text, is `number` of the Decimal, at
    any scale: the fixed-point Decimal path (0-38 places), the text path beyond it and below 0."""
    from engine.report.frame_write import _number, _write
    from engine.report.number_text import number

    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int64})
    into = io.BytesIO()
    _write(frame, [_number(pl.col("v"), scale, native=native)], ",", "\n", into)
    assert into.getvalue().decode().split("\n")[:-1] == [number(f.scaled(v, scale)) for v in values]


# -- generated results -------------------------------------------------------------------------------

POLICIES = ("s0_shop", "s1_ranking", "s2_commission", "s3_points", "s4_path", "template_scorecard")


@functools.cache
def _plan(name: str, carry: bool) -> Plan:
    plan, _ = prepare(str(ROOT / "policies" / f"{name}.yaml"))
    if carry:  # the shop's own roster columns carried into reports (roster.carry), one headed like a formula
        plan = dataclasses.replace(plan, roster=RosterKeys(key="客服,昵称", carry=("工号", "=部门", '"备注"')))
    return plan


NASTY = ",\"'=+-@\t\r\n \\/\x00\x01\x08\x0c\x1b\x7f\x85\x9f\u061c\u200e\u202e\u2028\u2029\u2066\u3000一组阿香ｱ😀🀄é"
texts = st.text(alphabet=st.sampled_from(NASTY) | st.characters(exclude_categories=("Cs",)), max_size=8)


def _ids(known) -> st.SearchStrategy:
    return st.sampled_from([*known, None]) | texts


ORDINARY = st.integers(min_value=-(10**9), max_value=10**9) | st.sampled_from([0, 5, -5])
# Now and then a month with values at the edge of 64 bits (or past it: NotCovered).
EXTREME = ORDINARY | st.sampled_from([10**17, 2**63 - 1, -(2**63 - 1), 2**63])


@st.composite
def _numbers(draw, names, places, digits_of) -> tuple[tuple[str, Decimal], ...]:
    """A value for each name, its places drawn from `places[name]`."""
    found = []
    for name in names:
        exponent = -draw(places[name])
        digits = draw(digits_of)
        value = Decimal(digits).scaleb(exponent)
        if draw(st.booleans()) and value == 0:
            value = -value  # negative zero
        found.append((name, value))
    return tuple(found)


@st.composite
def month_results(draw) -> tuple[Plan, list[AgentResult]]:
    plan = _plan(draw(st.sampled_from(POLICIES)), draw(st.booleans()))
    outputs = plan.outputs
    penalties = [name for name, _ in outputs.penalties] if outputs is not None else []
    # Each number column has one exponent, or (sometimes) a few, as exact divisions give.
    places = {column: draw(st.sampled_from([st.just(2), st.just(0), st.just(-1), st.integers(-2, 4)]))
              for column in ("score", "total", *plan.kpis, *plan.pay, *penalties)}
    digits = EXTREME if draw(st.integers(0, 3)) == 0 else ORDINARY
    results = []
    for i in range(draw(st.integers(1, 6))):  # no results at all: test_empty_month
        scored = outputs is None or outputs.score is not None
        results.append(AgentResult(
            agent=draw(texts) + str(i), period=draw(st.sampled_from(["2026-10", "=1+1", "2026-10,x"])),
            team=draw(st.sampled_from(["", "一组", "-二组"]) | texts), name=draw(texts),
            role=draw(_ids(plan.roles)), grade=draw(_ids(plan.grades)),
            score=draw(_numbers(["score"], places, digits))[0][1] if scored else None,
            rating=draw(_ids(plan.ratings)) if scored else None,
            kpis=draw(_numbers(plan.kpis, places, digits)), pay=draw(_numbers(plan.pay, places, digits)),
            total=draw(_numbers(["total"], places, digits))[0][1],
            choices=tuple((m.name, draw(_ids(m.choices))) for m in choice_metrics(plan)),
            penalties=draw(_numbers(penalties, places, digits)),
            flags=tuple((flag.name, draw(st.booleans()), draw(st.booleans())) for flag in plan.flags),
            columns=tuple(draw(st.lists(texts, max_size=len(plan.roster.carry)))),
        ))
    return plan, results


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(month_results())
def test_generated_results_are_byte_identical_or_not_covered(month):
    plan, results = month
    try:
        frame = from_results(plan, results)
    except NotCovered:
        return
    assert to_results(plan, frame) == results  # the round trip (negative zero equals zero)
    _same(plan, results, frame)


@settings(max_examples=40)
@given(st.lists(texts, min_size=1, max_size=5))
def test_any_text_in_any_text_cell(names):
    """Text cells alone, always coverable: each one the reference's bytes in CSV and JSON."""
    plan = _plan("s0_shop", True)
    base = _s0_result()
    results = [base._replace(agent=name + str(i), name=name, team=name, period=name, columns=(name, name, name))
               for i, name in enumerate(names)]
    frame = from_results(plan, results)
    for lang in LANGS:
        assert to_csv(plan, frame, lang) == tables.to_csv(plan, results, lang)
    assert to_json(plan, frame) == tables.to_json(plan, results)


def test_frame_writer_writes_render_frame_s_bytes_after_what_the_stream_holds():
    """The columnar month's report is written into `--out`'s file by `frame_writer` (engine.columnar_month):
    the bytes are render_frame's."""
    import io

    from engine.report.frame_write import frame_writer

    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    for fmt in ("csv", "json"):
        out = io.BytesIO(b"before")
        out.seek(0, io.SEEK_END)
        frame_writer(plan, frame, fmt, "en")(out)
        assert out.getvalue() == b"before" + tables.render(plan, results, fmt, "en")


def test_a_report_not_covered_writes_nothing():
    """NotCovered is raised before the first byte, by `frame_writer` itself, before a writer exists: the
    report's file is opened only for a report that will be written (the Decimal path writes the rest)."""
    from engine.report.frame_write import frame_writer

    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    short = ColumnarResults(frame.frame.drop(f.pay(plan.pay[-1])), frame.scales)
    for fmt in ("csv", "json", "xlsx"):
        with pytest.raises(NotCovered):
            frame_writer(plan, short if fmt != "xlsx" else frame, fmt, "zh")


def test_a_month_of_many_morsels_is_written_in_its_order():
    """polars' streaming sink formats morsels on several threads: the lines still come in the frame's order,
    each the reference's line for its row (12 results repeated under 120,000 ids, in many chunks)."""
    plan, results = _month(golden.S0)
    frame = from_results(plan, results)
    copies = 10_000
    big = pl.concat([frame.frame] * copies, rechunk=False).with_columns(
        pl.format("{}-{}", pl.int_range(pl.len()), pl.col("agent")).alias("agent"))
    many = ColumnarResults(big, frame.scales)
    lines = render_frame(plan, many, "csv", "en").decode().split("\r\n")
    reference = tables.render(plan, results, "csv", "en").decode().split("\r\n")
    assert len(lines) == len(reference) + frame.frame.height * (copies - 1)
    for at in (0, 1, 12, 100_001, 119_999):
        row = lines[1 + at]
        assert row.startswith(f"{at}-"), (at, row[:20])
        assert row.split(",", 1)[1] == reference[1 + at % 12].split(",", 1)[1]
    body = render_frame(plan, many, "json").decode()
    assert body.count('{"agent": "') == frame.frame.height * copies
    found = [int(p.split("-", 1)[0]) for p in body.split('{"agent": "')[1:]]
    assert found == list(range(frame.frame.height * copies))


@pytest.mark.parametrize("names", [
    ("张三", "李四"),                    # nothing to guard, quote or escape
    ("=SUM(A1)", "李四"),               # a formula in the first cell
    ("张三", "-1"),                     # … in a later one
    ("a\x00=b", "c\x00"),               # a NUL before a formula character inside a cell: not a formula
    ('王"五', "赵,六"),                  # quotes and commas: quoted (CSV), escaped (JSON)
    ("\u2028行", "\x7f"),               # what json_safe escapes
])
def test_a_column_is_searched_once_for_what_any_cell_needs(names):
    """The writer searches a text column once to learn whether any cell needs the formula guard, quoting or
    escaping (a column that needs none is written as it is); every cell is written as the reference writes it."""
    plan, _ = _month(golden.S0)
    results = [_s0_result(agent=str(i), name=name) for i, name in enumerate(names)]
    _same(plan, results, from_results(plan, results))
