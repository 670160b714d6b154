"""Every message the CLI writes itself, in Chinese and English, through one function (`say`).

Diagnostics and data issues carry their own two languages (engine.errors); this table is for the
CLI's notes, summaries and its own usage errors. Chinese comes first: most readers are shop managers.
"""

from __future__ import annotations

import re

MESSAGES: dict[str, tuple[str, str]] = {
    "checked": ("已检查 {files} 个文件：{errors} 个错误，{warnings} 个警告",
                "{files} file(s) checked: {errors} error(s), {warnings} warning(s)"),
    "wrote": ("已写入 {count} 条结果：{path}", "wrote {count} result(s) to {path}"),
    "note": ("提示：{text}", "note: {text}"),
    "xlsx_needs_out": ("--format xlsx 需要用 --out 指定文件，如 --out 结果.xlsx",
                       "--format xlsx needs --out FILE.xlsx"),
    "no_agent": ("{metrics} 中没有客服 '{agent}'；已有的客服：{known}",
                 "agent '{agent}' is not in {metrics}; agents: {known}"),
    "several_periods": ("客服 '{agent}' 有多个月份的数据（{months}），请用 --period 选择一个月",
                        "agent '{agent}' has several periods ({months}); choose one with --period"),
    "bad_period": ("月份 '{value}' 无法识别，应为 YYYY-MM（如 2026-10）", "{reason}"),
    "out_of_memory": ("错误：内存不足，无法完成；请缩小输入文件（或分月处理）后重试，未写入任何文件",
                      "error: out of memory; nothing was written (try smaller input files, or one month at a time)"),
    "bug": ("错误：{error}。这是 jixiao 的缺陷，请报告给开发者（未写入任何文件）",
            "error: {error}. This is a bug, please report it (nothing was written)"),
    "interrupted": ("已中断；输出文件不会只写一半（要么完整写入，要么没有写入）",
                    "interrupted; no output file is left half-written (it is whole or not there)"),
    "exists": ("{path}：文件已存在；如要覆盖，请加 --force", "{path}: file exists; use --force to overwrite it"),
    "initialised": ("已写入初始方案 {path}；修改后用 jixiao validate {path} 检查",
                    "wrote a starter policy to {path}; edit it, then check it with: jixiao validate {path}"),
}

# Notes from the data stage arrive as English text (`FILE: row 16: summary row '合计' skipped`);
# the known forms are translated here until the data stage gives them in both languages.
_NOTE_FORMS = (
    (re.compile(r"^(?P<file>.*): row (?P<row>\d+): preamble (?P<text>.*) skipped$"),
     "{file}：第 {row} 行：标题行 {text} 已跳过"),
    (re.compile(r"^(?P<file>.*): row (?P<row>\d+): summary row (?P<text>.*) skipped$"),
     "{file}：第 {row} 行：汇总行 {text} 已跳过"),
    (re.compile(r"^(?P<file>.*): period (?P<month>\S+) taken from the file name \((?P<shown>.*)\)$"),
     "{file}：月份 {month} 取自文件名（{shown}）"),
    (re.compile(r"^(?P<file>.*): period (?P<month>\S+) taken from row (?P<row>\d+) \((?P<shown>.*)\)$"),
     "{file}：月份 {month} 取自第 {row} 行（{shown}）"),
    (re.compile(r"^(?P<file>.*): sheet (?P<sheet>.*) read \(the one the workbook opens on\); "
                r"also visible: (?P<names>.*)$"),
     "{file}：读取的是工作表 {sheet}（打开工作簿时显示的那张）；另有：{names}"),
)


def say(key: str, lang: str, **fields: object) -> str:
    """The message `key` in `lang` (zh or en), with `fields` filled in."""
    zh, en = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**fields)


def note_text(note: object, lang: str) -> str:
    """A data-stage note in `lang`: one with a `render(lang)` method, or a known English form."""
    render = getattr(note, "render", None)
    if callable(render):
        return str(render(lang))
    text = str(note)
    if lang == "zh":
        for pattern, zh in _NOTE_FORMS:
            match = pattern.match(text)
            if match:
                return zh.format(**match.groupdict())
    return text
