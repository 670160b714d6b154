"""The catalogue of user-facing text: every message the CLI writes itself (`say`), the headings of
reports and the ledger's lists (`heading`), and the words of explanations, in Chinese and English.

Each entry is a pair (Chinese, English) of `str.format` templates; Chinese comes first: most readers
are shop managers. Diagnostics (policy problems with their codes) have their own catalogue,
`engine.diagnostics`; data issues still carry their two languages where they are raised.
"""

from __future__ import annotations

import re

MESSAGES: dict[str, tuple[str, str]] = {
    "checked": ("已检查 {files} 个文件：{errors} 个错误，{warnings} 个警告",
                "{files} file(s) checked: {errors} error(s), {warnings} warning(s)"),
    "wrote": ("已写入 {count} 条结果：{path}", "wrote {count} result(s) to {path}"),
    "note": ("提示：{text}", "note: {text}"),
    "engine_small": ("计算方式：decimal（月份不大，逐人计算已足够快）",
                     "engine: decimal (a small month: agent by agent is quick)"),
    "engine_declined": ("计算方式：decimal——列式计算不支持：{reason}",
                        "engine: decimal — not covered by the columnar path: {reason}"),
    "engine_columnar": ("计算方式：columnar（{count} 条结果，其中 {by_decimal} 条恰在阈值上，已按十进制逐人计算）",
                        "engine: columnar ({count} result(s); {by_decimal} on a threshold computed agent by agent in "
                        "Decimal)"),
    "engine_explained": ("计算方式：columnar（整月 {count} 条结果按列计算；其结果所读取的 {again} 位客服按十进制重算，"
                         "只记录所解释客服的计算过程）",
                         "engine: columnar (the month's {count} result(s) by columns; the {again} agent(s) her result "
                         "reads computed again in Decimal, only hers traced)"),
    "no_events": ("警告：方案有罚则（{clauses}），但没有给出 --events 事件文件，本次计算中任何罚则都不会生效",
                  "warning: the policy has penalty clauses ({clauses}) but no --events file was given, "
                  "so none of them can apply in this evaluation"),
    "under_minimum": ("警告：{count} 人本月应发低于方案 deductions: 声明的当地最低工资 {wage} 元（L.1/L.4）：{agents}；"
                      "请核对底薪与保底是否符合当地标准",
                      "warning: {count} agent(s) are paid less than the minimum wage the policy declares in "
                      "deductions: ({wage}, L.1/L.4): {agents}; check base pay and the guarantee against it"),
    "paid_elsewhere": ("提示：{count} 人本月应发低于最低工资 {wage} 元，但岗位“{role}”由他人发薪，此处不按最低工资判断"
                       "（方案 roles.{id}.paid_by：{reason}）：{agents}",
                       "note: {count} agent(s) are paid under the minimum wage ({wage}) here, but the role '{role}' "
                       "is paid by someone else, so the minimum wage is not judged here (roles.{id}.paid_by: "
                       "{reason}): {agents}"),
    "no_carry": ("提示：evaluate 不读取账本，以前月份未扣完的赔偿（结转）按 0 计；用 jixiao run 计算时会先扣结转部分",
                 "note: evaluate reads no ledger, so loss carried from earlier months counts as 0; "
                 "jixiao run deducts it first"),
    "events_need_period": ("指标数据包含多个月份（{months}），事件只能按一个月计算；请用 --period 选择一个月",
                           "the metrics hold several periods ({months}) and events apply to one month; "
                           "choose it with --period"),
    "dated_need_period": ("指标数据包含多个月份（{months}），而方案按日期取值的内容在这些月份不同（{versions}）："
                          "一份结果只能注明一种生效内容；请用 --period 逐月计算",
                          "the metrics hold several periods ({months}) and the policy's dated values differ between "
                          "them ({versions}): one report names one content in force; evaluate each month with "
                          "--period"),
    "xlsx_needs_out": ("--format xlsx 需要用 --out 指定文件，如 --out 结果.xlsx",
                       "--format xlsx needs --out FILE.xlsx"),
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
    # A policy's tests (jixiao test).
    "test_none_found": ("{paths} 下没有找到测试文件（顶层含 cases: 或 expected: 的 YAML 文件）",
                        "no test files under {paths} (YAML files with cases: or expected: at their top level)"),
    "test_summary": ("{cases} 个用例：{passed} 个通过，{failed} 个失败",
                     "{cases} case(s): {passed} passed, {failed} failed"),
    "test_coverage": ("{policy}：业务覆盖率 {percent}%（{areas}）", "{policy}: {percent}% covered ({areas})"),
    "test_missed": ("{file}:{line}：测试从未覆盖{area} {path}", "{file}:{line}: no test reaches {area} {path}"),
    "test_unreached": ("测试未覆盖", "not reached by a test"),
    "test_below": ("{policy}：业务覆盖率 {percent}% 低于 --min-coverage {minimum}%",
                   "{policy}: coverage {percent}% is below --min-coverage {minimum}%"),
    "test_bad_minimum": ("--min-coverage 应为 0 到 100 之间的数（百分比），而不是 '{value}'",
                         "--min-coverage is a percentage from 0 to 100, not '{value}'"),
    "lint_bad_cliff": ("--cliff 应为不小于 0 的金额，而不是 '{value}'",
                       "--cliff is an amount of 0 or more, not '{value}'"),
    "area_band": ("档位", "band"),
    "area_tier": ("提成档位", "tier"),
    "area_gate": ("门槛", "gate"),
    "area_rating": ("评级", "rating"),
    "area_component": ("工资项", "pay component"),
    "area_cut": ("排名前列线", "ranking cut"),
    "area_outcome": ("评定结果", "review outcome"),
    "area_clause": ("罚则", "penalty clause"),
    "area_flag": ("标记", "flag"),
    "area_group": ("工资组", "pay group"),
    # A case file read, and a case run (engine.cases): where it is comes first, `FILE:LINE: `.
    "case_at": ("{file}:{line}：{message}", "{file}:{line}: {message}"),
    "case_file_expected": ("`expected` 属于 `cases` 中的每个用例，而不是整个文件",
                           "`expected` belongs to each of the `cases`, not to the file"),
    "case_second_name": ("第二个名为 {name!r} 的用例（第一个在第 {line} 行）",
                         "a second case named {name!r} (the first at line {line})"),
    "case_mapping": ("应为映射{of}", "expected a mapping{of}"),
    "case_mapping_of": ("，键为 {keys}", " of {keys}"),
    "case_unknown_key": ("未知的键 {found!r}；应为以下之一：{keys}", "unknown key {found!r}; expected one of: {keys}"),
    "case_list": ("应为列表", "expected a list"),
    "case_no_cases": ("`cases:` 列表是空的：至少需要一个用例",
                      "`cases:` is empty: a case file needs at least one case"),
    "case_expected_what": ("应为{what}", "expected {what}"),
    "case_needs": ("用例需要 `{field}`", "a case needs `{field}`"),
    "case_month_period": ("每个月份需要 `period`（YYYY-MM）", "a month needs `period` (YYYY-MM)"),
    "case_bad_period": ("月份 {period!r} 不是 YYYY-MM", "period {period!r} is not YYYY-MM"),
    "case_empty_flag": ("`empty` 应为 true 或 false", "`empty` is true or false"),
    "case_empty_files": ("无人在岗的月份（empty: true）不读取任何文件",
                         "an empty month (nobody worked) reads no files"),
    "case_needs_metrics": ("{period} 需要 `inputs: {{metrics: …}}`（无人在岗的月份用 `empty: true`）",
                           "{period} needs `inputs: {{metrics: …}}` (or `empty: true` for a month nobody worked)"),
    "case_no_file": ("{kind}：没有文件 {value}（相对于 {folder}）", "{kind}: no file {value} (from {folder})"),
    "case_kind_expected": ("{kind}：应为{what}", "{kind}: expected {what}"),
    "case_value": ("应为一个值（数、文本、true/false 或 null）",
                   "expected a value (a number, text, true/false or null)"),
    "case_every_other_list": ("`*` 表示其余所有条目：{field} 没有固定的条目",
                              "`*` means every other entry: {field} has no fixed list"),
    "case_every_other_number": ("`*` 把其余所有条目限定为同一个数", "`*` holds every other entry to a number"),
    "case_what_name": ("用例名称", "the case's name"),
    "case_what_rule": ("规则编号", "a rule id"),
    "case_what_period": ("YYYY-MM 格式的月份", "a period YYYY-MM"),
    "case_what_cell": ("单元格：文本或数", "a cell: text or a number"),
    "case_what_number": ("数", "a number"),
    "case_what_policy": ("路径或方案 YAML 块（|）", "a path or a block (|) of policy YAML"),
    "case_what_table": ("路径、CSV 文本（|）或行的列表（首行为表头）", "a path, CSV text (|) or a list of rows"),
    "case_agent": (" · 客服 {agent}", " · agent {agent}"),
    "case_mismatch": ("{where}：应为 {want}，实际为 {found}", "{where}: expected {want}, actual {found}"),
    "case_from_step": ("    来自步骤 {step}（{kind}；{rules}；{line}）",
                       "    from step {step} ({kind}; {rules}; {line})"),
    "case_no_rule": ("无规则编号", "no rule id"),
    "case_path": ("    路径：{path}", "    path: {path}"),
    "case_read": ("    读取：{values}{more}", "    read: {values}{more}"),
    "case_read_more": (" … 另有 {count} 项", " … and {count} more"),
    "case_after": ("    计算之后：人工调整 {adjustments}，追溯调整 {retro}",
                   "    after evaluation: manual adjustments {adjustments}, retro lines {retro}"),
    "case_no_scorecard": ("{where}：本方案没有考核评分表（未声明 kpis: 与 score:），没有可检查的 {field}；请删去这一项",
                          "{where}: this policy has no scorecard (no kpis: and score:), so there is no {field} to "
                          "check; remove this expectation"),
    "case_no_entry": ("{where}：没有该条目；{field} 中有：{listed}", "{where}: no such entry; {field} has: {listed}"),
    "case_no_agent": ("{where}：客服 {agent} 不在该月结果中（客服：{known}）",
                      "{where}: agent {agent} is not in the month's results (agents: {known})"),
    "case_none": ("无", "none"),
    "case_refused": ("{file}:{line}：{period}：jixiao 拒绝计算该月",
                     "{file}:{line}: {period}: jixiao refused the month"),
    "case_decisions": ("{where}：应为 {expected}\n    实际为 {actual}",
                       "{where}: expected {expected}\n    actual {actual}"),
    # Two policies compared (jixiao diff).
    "diff_agent": ("工号", "agent"),
    "diff_name": ("姓名", "name"),
    "diff_period": ("月份", "period"),
    "diff_old": ("原方案", "old"),
    "diff_new": ("新方案", "new"),
    "diff_delta": ("差额", "delta"),
    "diff_changes": ("变化", "changes"),
    "diff_payroll": ("应发合计", "payroll"),
    "diff_rating": ("评级", "rating"),
    "diff_grade": ("等级", "grade"),
    "diff_band": ("档位", "band"),
    "diff_place": ("名次", "place"),
    "diff_pay": ("工资项", "pay"),
    "diff_totals": ("合计：{agents} 人 · 原方案应发 {old} · 新方案应发 {new} · 差额 {delta}",
                    "total: {agents} agent(s) · old payroll {old} · new payroll {new} · delta {delta}"),
    "diff_spread": ("差额分布：最小 {minimum} · 中位数 {median} · 最大 {maximum}；增加 {better} 人，减少 {worse} 人，"
                    "不变 {unchanged} 人",
                    "deltas: min {minimum} · median {median} · max {maximum}; {better} better off, {worse} worse off, "
                    "{unchanged} unchanged"),
    "diff_counts": ("变化人数：档位 {band} · 评级 {rating} · 名次 {place} · 等级 {grade}",
                    "agents changing: band {band} · rating {rating} · place {place} · grade {grade}"),
    # Neither policy rates anyone (no scorecard, S4): no rating count, never a misleading "rating 0".
    "diff_counts_unrated": ("变化人数：档位 {band} · 名次 {place} · 等级 {grade}",
                            "agents changing: band {band} · place {place} · grade {grade}"),
    "diff_structure": ("方案改动：", "changes to the policy:"),
    "diff_no_change": ("没有客服的结果发生变化", "no agent's result changes"),
    "diff_added": ("新增", "added"),
    "diff_removed": ("删除", "removed"),
    "diff_changed": ("修改", "changed"),
    "diff_lines": ("原{old} → 新{new}", "old {old} → new {new}"),
    "diff_line": ("第 {line} 行", "line {line}"),
    "diff_line_in": (" {file} 第 {line} 行", "{file} line {line}"),  # a base file of a derived policy
    # The ledger (jixiao run / runs / history / show / approve / reopen).
    "run_recorded": ("已记录 {period}：第 {run} 次运行，{agents} 人，应发合计 {total}（账本 {db}）",
                     "recorded {period} as run {run}: {agents} agent(s), total {total} (ledger {db})"),
    "run_superseded": ("第 {old} 次运行已标为“已取代”并保留在账本中",
                       "run {old} is kept in the ledger, marked superseded"),
    "run_same": ("{period} 已用相同的方案和输入文件记录为第 {run} 次运行（{at}）；未作任何改动",
                 "{period} is already recorded from the same policy and input files as run {run} ({at}); "
                 "nothing was changed"),
    "progress_slips": ("正在生成 {count} 人的工资条…", "writing the payslips of {count} agent(s)…"),
    "progress_read": ("正在读取方案和数据文件…", "reading the policy and data files…"),
    "progress_evaluate": ("正在计算…", "evaluating…"),
    "progress_month": ("正在计算 {period}：{count} 人…", "evaluating {period}: {count} agent(s)…"),
    "progress_record": ("正在写入账本…", "recording in the ledger…"),
    "progress_carry": ("正在把变动带入以后已记录的月份…", "carrying the change through the later recorded months…"),
    "run_needs_files": ("请给出 --policy 和 --metrics；或只用 --recompute 按账本保存的文件重新计算",
                        "give --policy and --metrics; or --recompute alone to evaluate again from the recorded files"),
    "other_layout": ("{period}（第 {run} 次运行，jixiao {recorded} 记录）的计算过程按另一版 jixiao 的步骤记录，"
                     "当前版本无法逐步解释（账本并未损坏；表格与合计仍按记录显示）；如需按当前版本重新记录："
                     "jixiao run --period {period} --recompute（已审批的月份须先重新开放）",
                     "{period} (run {run}, recorded by jixiao {recorded}) keeps its trace in the steps of another "
                     "jixiao's plan, which this one cannot explain step by step (the ledger is not damaged; its table "
                     "and totals show as recorded); to record it again with this jixiao: jixiao run --period {period} "
                     "--recompute (reopen it first if it is approved)"),
    "decide_no_runs": ("{db}：账本中还没有记录任何月份；请先用 jixiao run 记录，再记录人事决定",
                       "{db}: no month is recorded yet; record one with jixiao run before recording decisions"),
    "decide_unknown_agent": ("{db}：账本的记录中没有客服 {agent}；请核对工号",
                             "{db}: agent {agent} is in no recorded month; check the id"),
    "decide_not_dismissed": ("客服 {agent} 在 {effective} 之前没有被辞退，无需复职",
                             "agent {agent} is not dismissed before {effective}, so there is nothing to reinstate"),
    "decide_dismissed": ("客服 {agent} 在 {effective} 之前已被辞退；如已重新录用，请先记录复职（--reinstate）",
                         "agent {agent} is dismissed before {effective}; if rehired, record a reinstatement first "
                         "(--reinstate)"),
    "decide_unknown_grade": ("等级 '{value}' 不是方案声明的等级（{known}）", "grade '{value}' is not one the policy "
                             "declares ({known})"),
    "decide_unknown_role": ("岗位 '{value}' 不是方案声明的岗位（{known}）", "role '{value}' is not one the policy "
                            "declares ({known})"),
    "decide_one": ("请只给出一项决定：--grade、--role、--team、--dismiss 或 --reinstate",
                   "give exactly one decision: --grade, --role, --team, --dismiss or --reinstate"),
    "decide_reason": ("请用 --reason 说明原因", "give the reason with --reason"),
    "decide_grade_change": ("等级改为 {value}", "grade set to {value}"),
    "decide_role_change": ("岗位改为 {value}", "role set to {value}"),
    "decide_team_change": ("调到 {value}", "moved to team {value}"),
    "decide_dismissal": ("辞退{value}", "dismissed{value}"),
    "decide_reinstatement": ("复职{value}", "reinstated{value}"),
    "decided": ("已记录决定 {id}：客服 {agent} {what}，{effective} 起生效（原因：{reason}；记录人 {by}）",
                "recorded decision {id}: agent {agent} {what}, in effect from {effective} (reason: {reason}; by {by})"),
    "decided_dry": ("试运行：将记录客服 {agent} {what}，{effective} 起生效；账本未作任何改动",
                    "dry run: agent {agent} {what} would be recorded, in effect from {effective}; nothing was "
                    "recorded"),
    "run_empty_files": ("--empty 记录无人在岗的月份：只给 --policy，不给任何数据文件",
                        "--empty records a month nobody worked: give --policy and no data file"),
    "negative_pay": ("警告：{count} 人本月应发低于 0：{agents}；jixiao run 不会记录这样的月份，请核对方案",
                     "warning: {count} agent(s) would be paid below 0: {agents}; jixiao run refuses to record such a "
                     "month: check the policy"),
    "run_carried": ("以后已记录的月份随之重新计算：", "the later recorded months were recomputed:"),
    "warning": ("警告：{text}", "warning: {text}"),
    "run_same_results": ("{period} 已重新计算：结果与第 {run} 次运行完全相同；未记录新的运行",
                         "{period} evaluated again: the same results as run {run}; no new run was recorded"),
    "run_dry": ("试运行：{period} 将记录为 {agents} 人，应发合计 {total}；账本未作任何改动",
                "dry run: {period} would be recorded with {agents} agent(s), total {total}; nothing was recorded"),
    "recompute_nothing": ("{db}：{period} 尚未记录，无可重新计算；请用其数据文件运行：jixiao run --period {period} "
                          "--policy … --metrics …",
                          "{db}: {period} is not recorded, so there is nothing to recompute; run it with its files: "
                          "jixiao run --period {period} --policy … --metrics …"),
    "state_changed": ("{period}（第 {run} 次运行）是用相同文件、在另一账本状态下记录的"
                      "（此后更早月份的结果或决定已变），现在重新计算结果不同；"
                      "如要记录新结果并带入以后的月份，请加 --supersede",
                      "{period} (run {run}) was recorded from the same files under another ledger state (earlier "
                      "months or decisions have changed since), and evaluating it now gives other results; add "
                      "--supersede to record them and carry them through the later months"),
    "carry_failed": ("记录 {period} 时需重新计算以后的 {later}，但该月在变动后无法计算；账本未作任何改动：",
                     "recording {period} means recomputing the later month {later}, which can no longer be "
                     "evaluated after the change; nothing was recorded:"),
    "approved": ("已审批 {period}（第 {run} 次运行，审批人 {by}）；如需修改，请先用 jixiao reopen 重新开放",
                 "approved {period} (run {run}, by {by}); to change it, reopen it first with jixiao reopen"),
    "already_approved": ("{period}（第 {run} 次运行）已由 {by} 于 {at} 审批；未作改动",
                         "{period} (run {run}) was already approved by {by} at {at}; nothing was changed"),
    "reopened": ("已重新开放 {period}，原因：{reason}；现在可以用 jixiao run --supersede 重新计算",
                 "reopened {period} (reason: {reason}); it can now be run again with jixiao run --supersede"),
    "no_runs": ("账本 {db} 中还没有运行记录", "no runs recorded in {db} yet"),
    "no_run_for": ("账本 {db} 中没有 {period} 的运行记录；已记录的月份：{known}",
                   "no run recorded for {period} in {db}; recorded months: {known}"),
    "not_in_run": ("{period} 的记录（第 {run} 次运行）中没有客服 '{agent}'", "agent '{agent}' is not in the record of "
                   "{period} (run {run})"),
    "show_text_needs_agent": ("--format text 用于单个客服的说明，请加 --agent 工号",
                              "--format text explains one agent; add --agent ID"),
    "show_agent_format": ("单个客服的说明只支持 --format text 或 json", "one agent's record is shown as --format text "
                          "or json"),
    "show_full_needs_agent": ("--full 用于单个客服的完整说明，请加 --agent 工号",
                              "--full shows one agent's whole working; add --agent ID"),
    "migrated": ("已将账本 {db} 的结构从版本 {found} 迁移到 {reached}；迁移前的文件保留为 {backup}",
                 "migrated the ledger {db} from schema version {found} to {reached}; the file as it was is kept "
                 "as {backup}"),
    "copied": ("已复制店铺 {shop}：{runs} 次运行，共 {rows} 行；两个账本读回的内容一致（摘要 {sha}）",
               "copied the shop {shop}: {runs} run(s), {rows} row(s); both ledgers read back the same (digest {sha})"),
    "four_eyes_on": ("店铺 {shop} 已开启双人复核：运行某月的人不能审批该月",
                     "four-eyes approval is on for the shop {shop}: whoever ran a month cannot approve it"),
    "four_eyes_off": ("店铺 {shop} 已关闭双人复核", "four-eyes approval is off for the shop {shop}"),
    "migrated_server": ("已将账本 {db} 的结构从版本 {found} 迁移到 {reached}（在一个事务中完成）",
                        "migrated the ledger {db} from schema version {found} to {reached} (in one transaction)"),
    "migrate_current": ("账本 {db} 的结构已是版本 {reached}，无需迁移；未作改动",
                        "the ledger {db} is already at schema version {reached}; nothing was changed"),
    "slips_one_month": ("数据包含多个月份（{months}），工资条与团队报告按一个月生成；请用 --period 选择一个月",
                        "the files hold several months ({months}); payslips and the team report are for one month: "
                        "choose it with --period"),
    "slips_wrote": ("已写入 {count} 人的工资条（{period}）：{path}",
                    "wrote the payslips of {count} agent(s) for {period} to {path}"),
    "report_wrote": ("已写入团队报告（{period}，{count} 人）：{path}", "wrote the team report for {period} ({count} "
                     "agent(s)) to {path}"),
    "team_unknown": ("没有组别为 '{team}' 的客服；本月的组别：{known}。注意：--team 指组别名称，小组数据文件请用 "
                     "--team-file", "no agent is in team '{team}'; the month's teams: {known}. Note: --team takes a "
                     "team name; the team-level values file is --team-file"),
    "team_is_file": ("--team '{team}' 是一个文件，但本命令的 --team 指组别名称（如 {known}）；小组数据文件请用 "
                     "--team-file {team}", "--team '{team}' is a file, but this command's --team takes a team name "
                     "(such as {known}); give the team-level values file as --team-file {team}"),
    "team_file_missing": ("{option} '{path}' 不存在：{option} 指小组数据文件（如人均计划销售额）；只看一个组请用 "
                          "jixiao evaluate/explain/payslips/report 的 --team 组别名称",
                          "{option} '{path}' does not exist: {option} takes the team-level values file (e.g. the "
                          "sales target per team); to show one team, jixiao evaluate, explain, payslips and report "
                          "take --team NAME"),
    "slips_source": ("请给出数据文件（--policy 与 --metrics），或用 --period 与 --db 读取账本中已记录的月份，二者选一",
                     "give the data files (--policy and --metrics), or --period with --db for a recorded month; "
                     "not both"),
    "trace_not_kept": ("{period}（第 {run} 次运行）未记录计算过程，但该月读取了账本中此前各月的状态，"
                       "计算过程无法重新得出；账本可能已损坏",
                       "{period} (run {run}) keeps no trace, yet the month read earlier months' state from the "
                       "ledger, so its steps cannot be evaluated again; the ledger may be damaged"),
    "trace_differs": ("{period}（第 {run} 次运行，jixiao {recorded} 记录）：客服 {agent} 重新计算的{field}"
                      "与记录不一致，当前版本 {now} 无法显示其计算过程；"
                      "请用 jixiao {recorded} 查看，或检查账本是否损坏",
                      "{period} (run {run}, recorded by jixiao {recorded}): agent {agent} evaluates again to another "
                      "{field} than recorded, so this jixiao ({now}) cannot show her steps; use jixiao {recorded}, or "
                      "check the ledger for damage"),
    "show_changed": ("第 {run} 次运行由 jixiao {recorded} 记录，用当前版本 {now} 重新生成的结果与记录时不一致；"
                     "请用 jixiao {recorded} 查看", "run {run} was recorded by jixiao {recorded} and re-renders "
                     "differently with {now}; use jixiao {recorded} to show it"),
}

# -- report headings: the columns of results tables, spreadsheets and the ledger's lists ----------

# Column headings of results tables (table, CSV, XLSX) and of the ledger's lists (runs, history).
HEADINGS: dict[str, tuple[str, str]] = {
    "agent": ("工号", "Agent"),
    "name": ("姓名", "Name"),
    "period": ("月份", "Period"),
    "score": ("得分", "Score"),
    "rating": ("评级", "Rating"),
    "total": ("应发合计", "Total"),
    "policy_id": ("方案编号", "Policy id"),
    "policy_version": ("方案版本", "Policy version"),
    "policy_sha256": ("方案SHA256", "Policy SHA-256"),
    # Only for a policy with dated values (engine.policy.dated): the content in force in the row's month.
    "policy_content_sha256": ("本月生效内容SHA256", "Content in force SHA-256"),
    "sum": ("合计", "Total"),
    "run": ("运行", "Run"),
    "status": ("状态", "Status"),
    "policy": ("方案", "Policy"),
    "agents": ("人数", "Agents"),
    "recorded_at": ("记录时间(UTC)", "Recorded (UTC)"),
    "superseded_by": ("被取代于", "Superseded by"),
    "cause": ("记录原因", "Recorded as"),
    "retro": ("追溯调整", "Retro"),
    "adjustments": ("人工调整", "Adjustments"),
    "grade": ("等级", "Grade"),
    "role": ("岗位", "Role"),
    "team": ("组别", "Team"),
    "warnings": ("警告", "Warnings"),
    "serious_warnings": ("严重警告", "Serious warnings"),
    "loss_deduction": ("赔偿扣款", "Loss deduction"),
    "loss_deduction.carried_out": ("结转未扣", "Carried"),
}

# The sheets of a results workbook.
SHEETS: dict[str, tuple[str, str]] = {
    "results": ("结果", "Results"),
    "details": ("指标明细", "KPI details"),
    "policy": ("方案", "Policy"),
    "penalties": ("罚则明细", "Penalties"),
    "record": ("记录", "Record"),
}

# How results columns are headed (engine.report.result_columns) and what the workbook's rows say.
COLUMN_WORDS: dict[str, tuple[str, str]] = {
    "points": ("{label} 得分", "{label} (points)"),
    "measured": ("实际值：{label}", "Measured: {label}"),
    "formula_value": ("{label} 公式值", "{label}: formula value"),
    "seconds": ("秒", "s"),
    "subtotal": ("小计", "Subtotal"),
    "group_subtotal": ("{label}小计", "{label} subtotal"),  # a pay group's lines summed (pay_groups:)
    "no_team": ("（未分组）", "(no team)"),
    # A choice metric's blank cell under `missing: absent` (a trainee in her first week): no value.
    "not_assessed": ("未考核", "not assessed"),
    "flags": ("标记", "Flags"),  # S1.5: flags raised, with the action each suggests
    "action_training": ("培训", "training"),
    "action_move": ("调岗", "move"),
    "action_review": ("评审", "review"),
}

# The rows of a recorded month's 记录 / Record sheet: which run, its approval, its policy.
RECORD_SHEET: dict[str, tuple[str, str]] = {
    "period": ("月份", "Period"),
    "run": ("运行", "Run"),
    "status": ("状态", "Status"),
    "recorded_at": ("记录时间(UTC)", "Recorded (UTC)"),
    "approved_by": ("审批人", "Approved by"),
    "approved_at": ("审批时间(UTC)", "Approved (UTC)"),
    "not_approved": ("未审批", "not approved"),
    "policy_id": ("方案编号", "Policy id"),
    "policy_version": ("方案版本", "Policy version"),
    "policy_sha256": ("方案SHA256", "Policy SHA-256"),
    "jixiao": ("jixiao 版本", "jixiao version"),
}

# The columns of a workbook's penalties sheet, in order.
PENALTY_SHEET: tuple[tuple[str, str], ...] = (
    ("工号", "Agent"),
    ("姓名", "Name"),
    ("条款", "Clause"),
    ("条款名称", "Clause name"),
    ("规则", "Rule"),
    ("期间", "Period"),
    ("事件时间", "Event time"),
    ("订单号", "Order"),
    ("数值（秒）", "Value (s)"),
    ("金额", "Amount"),
    ("来源", "Source"),
    ("说明", "What it did"),
)

# A run's status in the ledger's lists.
STATUS: dict[str, tuple[str, str]] = {
    "current": ("当前", "current"),
    "superseded": ("已取代", "superseded"),
    "approved": ("已审批", "approved"),
    "correction": ("已审批后的更正", "correction after approval"),
}

# Why a run was recorded (engine.ledger.store.Cause), and whose change it carries.
CAUSES: dict[str, tuple[str, str]] = {
    "run": ("运行", "run"),
    "supersede": ("替换", "supersede"),
    "recompute": ("重新计算", "recompute"),
    "carried": ("随第 {by} 次运行重算", "carried from run {by}"),
    "correction": ("随第 {by} 次运行更正", "corrected from run {by}"),
}

# The warnings a penalty clause gives (S4.W).
WARNING_LEVELS: dict[str, tuple[str, str]] = {
    "warning": ("警告", "a warning"),
    "serious_warning": ("严重警告", "a serious warning"),
}

# -- words of explanations and of what a run changed -----------------------------------------------

# The words of `explain` (engine.report.explain).
EXPLANATION: dict[str, tuple[str, str]] = {
    "policy": ("方案", "policy"),
    "agent": ("客服", "agent"),
    "period": ("月份", "period"),
    "team": ("组", "team"),
    "line": ("第 {n} 行", "line {n}"),
    "line_in": ("{file} 第 {n} 行", "{file} line {n}"),
    # Dated values (engine.policy.dated): the content in force for the month, and each entry used.
    "in_force": ("本月生效的方案内容 sha256 {sha}", "content in force this month: sha256 {sha}"),
    "dated": ("  按日期取值 {at}：{entry}（{where}）", "  dated value {at}: {entry} ({where})"),
    "cancelled": ("已取消：原因是“{gate}”{rules}", "cancelled by: {gate}{rules}"),
    "in_group": ("（作为“{group}”的一项，整组取消）", " (as part of '{group}', cancelled as a whole)"),
    "seen": ("（见上）", "(see above)"),
    "flags": ("标记（S1.5，供人处理，不影响工资）：", "Flags (S1.5, for a person to act on; never pay):"),
    "no_flags": ("标记：无", "Flags: none"),
    "outside": ("不在任何档位", "outside every band"),
    "rate_by": ("按表查（见提点）", "looked up (see the rate)"),  # a tier's rate by role, grade … (issue 16 item 5)
    "not_role": ("不发给该岗位（适用于：{roles}）", "not paid to this role (applies to: {roles})"),
    "not_due": ("发放条件不成立：{when}", "not due: {when} does not hold"),
    "unpaid": ("= 0（本月不发；发放时 = {formula}）", "= 0 (not paid this month; when paid: {formula})"),
    "nothing_taken": ("（原应发为 0，未减少应发）", " (it earned 0: nothing taken)"),
    "missing": ("缺失，按方案 missing 取 {value}", "missing; the policy's missing: gives {value}"),
    "placeholder": ("'{text}'，按方案 placeholders 取 {value}", "'{text}'; the policy's placeholders: gives {value}"),
    "placeholder-missing": ("'{text}'，按方案 placeholders 视为缺失，按 missing 取 {value}",
                            "'{text}', declared missing by placeholders:; the policy's missing: gives {value}"),
    "zero_division": ("除数为零，按方案 on_zero_division 取 {value}",
                      "division by zero; the policy's on_zero_division gives {value}"),
    "band": ("第 {n} 档", "band {n}"),
    "rate": ("提点", "rate"),
    "points": ("分", "points"),
    "seconds": ("秒", "s"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("无", "none"),
}

# The words of the short explanation, `explain` without `--full` (engine.report.explain_short).
SHORT_EXPLANATION: dict[str, tuple[str, str]] = {
    "score": ("得分 {score}", "Score {score}"),
    "rated": ("得分 {score}（{rating}）", "Score {score} ({rating})"),
    "pay": ("应发 {total}", "Pay {total}"),
    "zero_pay": ("本月为 0 的其余 {n} 项：{labels}", "Paid 0 this month: {labels}"),
    "earned": ("原应发 {amount}", "would have paid {amount}"),
    "penalties": ("罚则", "Penalty clauses"),
    "none_fired": ("{n} 条罚则均未触发", "none of the {n} clauses fired"),
    "none_fired_1": ("{n} 条罚则未触发", "the clause did not fire"),
    "others": ("其余 {n} 条罚则均未触发", "none of the other {n} clauses fired"),
    "others_1": ("其余 {n} 条罚则未触发", "the other clause did not fire"),
    "taken": ("实扣 {taken}", "taken {taken}"),
    "within": ("{taken}，未受法定限额限制（L.1）", "{taken}: within the legal limits (L.1)"),
    "bound": ("{taken}，受{limits}限制（{rules}）", "{taken}, bound by {limits} ({rules})"),
    "bound_cap": ("当月扣款上限", "the month's deduction cap"),
    "bound_minimum": ("扣后不低于当地最低工资", "the minimum wage (what is left may not fall below it)"),
    "bound_law": ("法定限额", "the legal limits"),
    "guard_off": ("法定上限已关闭（deductions: guard: off），未按 L.1 限制",
                  "the legal guard is off (deductions: guard: off): L.1 does not bound it"),
    "full": ("完整计算过程：加 --full", "The whole working: add --full"),
}

# What `show` adds to an explanation: manual and retroactive adjustments (engine.report.recorded).
RECORDED: dict[str, tuple[str, str]] = {
    "head": ("人工调整（评估后加入，不属于方案计算）：",
             "Manual adjustments (added after evaluation, not part of the policy):"),
    "retro_head": ("人工调整与追溯调整（评估后加入，不属于方案计算）：",
                   "Manual and retroactive adjustments (added after evaluation, not part of the policy):"),
    "by": ("审批人", "approved by"),
    "from": ("来自", "from"),
    "evaluated": ("方案计算应发", "evaluated total"),
    "total": ("调整后应发合计", "total after adjustments"),
}

# What a run changed, month by month (engine.report.changes).
# `jixiao plan FILE` (engine.report.plan_text): its heading and the titles of its columns.
PLAN_WORDS: dict[str, tuple[str, str]] = {
    "heading": ("方案 {id} {version} · {path} · 步骤: {steps} · 阶段: {phases}",
                "plan {id} {version} · {path} · steps: {steps} · phases: {phases}"),
    "inputs": ("输入", "inputs"),
    "order": ("每位客服按此顺序逐阶段计算；输入与群体统计值为给定值。",
              "computed per agent in this order, phase by phase; inputs and population values are given."),
    "step": ("步骤", "step"),
    "kind": ("类型", "kind"),
    "rule": ("规则", "rule"),
    "line": ("行", "line"),
    "phase": ("阶段", "phase"),
    "reads": ("读取", "reads"),
    "in_force": ("本月生效的方案内容 sha256 {sha}", "content in force this month: sha256 {sha}"),
    "dated": ("  按日期取值 {at}：{entry}（{where}）", "  dated value {at}: {entry} ({where})"),
    "code": ("生成的 Python 代码（快速路径；步骤的每一行都注明 `# 步骤 · 规则 · 文件:行`）",
             "generated Python (the fast path; `# step · rule · file:line` on every line of a step)"),
}

CHANGE_WORDS: dict[str, tuple[str, str]] = {
    "recorded": ("第 {after} 次运行取代第 {before} 次运行", "run {after} replaces run {before}"),
    "dry_recorded": ("将取代第 {before} 次运行", "would replace run {before}"),
    "corrected": ("已审批（第 {approved} 次运行，按原结果发放，不改写）；更正记为第 {after} 次运行，"
                  "差额在其后第一个未审批的月份以追溯调整结清",
                  "approved (run {approved}, paid as approved, not rewritten); the correction is run {after}, "
                  "its difference settled as a retroactive line in the first open month after it"),
    "dry_corrected": ("已审批（第 {approved} 次运行，不改写）；更正的差额将在其后第一个未审批的月份以追溯调整结清",
                      "approved (run {approved}, not rewritten); "
                      "the difference would be settled as a retroactive line in the first open month after it"),
    "agents": ("{count} 人有变动", "{count} agent(s) changed"),
    "none": ("结果不变", "no change in results"),
    "more": ("…… 另有 {count} 人", "… and {count} more"),
    "total": ("应发 {old} → {new}", "total {old} → {new}"),
    "grade": ("等级 {old} → {new}", "grade {old} → {new}"),
    "role": ("岗位 {old} → {new}", "role {old} → {new}"),
    "made": ("新决定：{reason}（{period} 作出，{effective} 起生效）",
             "new decision: {reason} (made in {period}, in effect from {effective})"),
    "undone": ("撤销决定：{reason}（原于 {period} 作出）", "decision undone: {reason} (made in {period})"),
    "absent": ("—", "—"),
    "retro": ("追溯调整 {amount}（更正 {period}）", "retroactive line {amount} (corrects {period})"),
    "replaced": ("{period}：", "{period}: "),
    "outstanding": ("尚未结清的追溯差额：客服 {agent} 因 {period} 的更正{direction} {amount}（{why}）",
                    "still owed by retroactive lines: agent {agent}, for the correction of {period}: "
                    "{direction} {amount} ({why})"),
    "owed_to": ("应补发", "owed to the agent"),
    "owed_by": ("应扣回", "to recover"),
}


# Notes from the data stage arrive as English text (`FILE: row 16: summary row '合计' skipped`);
# the known forms are translated here until the data stage gives them in both languages. Kept as
# text: `re` compiles (and caches) a pattern the first time a note is said, not on every start-up.
_NOTE_FORMS = (
    (r"^(?P<file>.*): row (?P<row>\d+): preamble (?P<text>.*) skipped$",
     "{file}：第 {row} 行：标题行 {text} 已跳过"),
    (r"^(?P<file>.*): row (?P<row>\d+): summary row (?P<text>.*) skipped$",
     "{file}：第 {row} 行：汇总行 {text} 已跳过"),
    (r"^(?P<file>.*): period (?P<month>\S+) taken from the file name \((?P<shown>.*)\)$",
     "{file}：月份 {month} 取自文件名（{shown}）"),
    (r"^(?P<file>.*): period (?P<month>\S+) taken from row (?P<row>\d+) \((?P<shown>.*)\)$",
     "{file}：月份 {month} 取自第 {row} 行（{shown}）"),
    (r"^(?P<file>.*): sheet (?P<sheet>.*) read \(the one the workbook opens on\); "
     r"also visible: (?P<names>.*)$",
     "{file}：读取的是工作表 {sheet}（打开工作簿时显示的那张）；另有：{names}"),
)


def say(key: str, lang: str, **fields: object) -> str:
    """The message `key` in `lang` (zh or en), with `fields` filled in."""
    return counted(pick(MESSAGES[key], lang).format(**fields))


_AGENTS = r"\b(\d+) agent\(s\)( are\b)?"  # compiled (and cached) by `re` when first used


def counted(text: str) -> str:
    """English counts of agents in the grammar of their number: the templates write `{count} agent(s)`
    (and `agent(s) are`), said as `1 agent` (`1 agent is`) or `3 agents` (`3 agents are`), never
    `1 agents`. Chinese text has no `agent(s)` and is returned as it is."""
    def said(match: re.Match[str]) -> str:
        one = match[1] == "1"
        verb = (" is" if one else " are") if match[2] else ""
        return f"{match[1]} agent{'' if one else 's'}{verb}"

    return re.sub(_AGENTS, said, text) if "agent(s)" in text else text


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Chinese or the English of a (Chinese, English) pair."""
    return pair[0] if lang == "zh" else pair[1]


def heading(key: str, lang: str) -> str:
    """A column heading of a report or a ledger list."""
    return pick(HEADINGS[key], lang)


def by_language(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """`{"zh": {key: text}, "en": {key: text}}`: a table of words as a module reads it per language."""
    return {lang: {key: pick(pair, lang) for key, pair in table.items()} for lang in ("zh", "en")}


def note_text(note: object, lang: str) -> str:
    """A data-stage note in `lang`: one with a `render(lang)` method, or a known English form."""
    render = getattr(note, "render", None)
    if callable(render):
        return str(render(lang))
    text = str(note)
    if lang == "zh":
        for pattern, zh in _NOTE_FORMS:
            match = re.match(pattern, text)
            if match:
                return zh.format(**match.groupdict())
    return text

# The words of payslips (engine.report.statement, payslip_html, payslip_xlsx).
PAYSLIP: dict[str, tuple[str, str]] = {
    "title": ("工资条", "Payslip"),
    "points": ("分", "points"),
    "top_band": ("已是最高档", "top band reached"),
    "formula_value": ("公式值", "formula value"),
    "cancelled": ("原应发 {earned}，因“{by}”{rules}取消", "would have paid {earned}; cancelled by {by}{rules}"),
    "approved_by": ("审批人", "approved by"),
    "no_decisions": ("本月无职业评定", "no career decision this month"),
    "flags": ("标记（S1.5）：{flags}", "Flags (S1.5): {flags}"),
    "career_files": ("职业评定由 jixiao run 按账本作出；本工资条由文件计算，未记入账本",
                     "career reviews are made by jixiao run from the ledger; this payslip was computed from files "
                     "and is not recorded"),
    "kpis": ("考核指标", "KPIs"),
    "kpi": ("指标", "KPI"),
    "measured": ("实际值", "Measured"),
    "band": ("档位", "Band"),
    "kpi_points": ("得分", "Points"),
    "next": ("下一档", "Next threshold"),
    "pay": ("工资明细", "Pay"),
    "item": ("项目", "Item"),
    "rules": ("规则", "Rules"),
    "amount": ("金额（{unit}）", "Amount ({unit})"),
    "note": ("说明", "Note"),
    "after": ("评估后调整", "Added after evaluation"),
    "total": ("实发合计", "Total paid"),
    "clauses": ("罚则与扣款（法律依据）", "Clauses and deductions (legal basis)"),
    "no_clauses": ("本月无罚则触发，无扣款", "no clause fired and nothing was deducted this month"),
    "no_penalties": ("方案没有罚则", "the policy has no penalty clauses"),
    "events_unread": ("计算时没有提供事件文件（--events），罚则均未计算：本工资条不说明是否有罚则触发",
                      "no events file (--events) was read, so no penalty clause was computed: this payslip cannot "
                      "say whether any would have fired"),
    "carry_unknown": ("由文件计算，不读取账本：以前月份结转未扣的赔偿按 0 计（L.1）；记入账本的月份会先扣结转部分",
                      "computed from files without the ledger: loss carried from earlier months counts as 0 (L.1); "
                      "a month recorded with jixiao run deducts it first"),
    "carried": ("结转下月待扣（L.1）", "Carried to next month (L.1)"),
    "career": ("职业状态与决定", "Career status and decisions"),
    "score": ("总分", "Score"),
    "rating": ("评级", "Rating"),
    "produced": ("生成依据", "Produced by"),
    "policy": ("方案", "Policy"),
    "run": ("运行", "Run"),
    "run_id": ("账本第 {run} 次运行", "ledger run {run}"),
    "not_recorded": ("由文件计算，未记入账本", "computed from files, not recorded in a ledger"),
    "approved": ("已审批：{by}，{at}（UTC）", "approved by {by} at {at} (UTC)"),
    "not_approved": ("未审批", "not approved"),
    "sheet": ("工资条", "Payslips"),
    "sheet_policy": ("方案", "Policy"),
}

# The words of the team report (engine.report.team_report).
TEAM_REPORT: dict[str, tuple[str, str]] = {
    "title": ("团队报告", "Team report"),
    "summary": ("{count} 人 · 实发合计 {total} {unit}", "{count} agent(s) · total paid {total} {unit}"),
    "ranking": ("排名", "Ranking"),
    # A policy without a scorecard (S4): no place, no score, no distribution chart; said in one line.
    "agents": ("本月客服", "This month's agents"),
    "no_scorecard": ("本方案没有考核评分表（kpis: 与 score:），因此没有名次、得分与得分分布图",
                     "this policy has no scorecard (kpis: and score:), so there is no place, score or score "
                     "distribution"),
    "trend_pay": ("各组逐月工资", "Pay by team, month by month"),
    "place": ("名次（按得分）", "Place (by score)"),
    "distribution": ("得分分布", "Score distribution"),
    "distribution_note": ("每个点是一位客服；竖线为评级与门槛分数线", "each dot is one agent; the lines are the rating "
                          "and gate thresholds"),
    "kpis": ("各项指标与档位", "KPIs against their bands"),
    "kpi_points_axis": ("得分", "points"),
    "pay": ("各项工资（每人）", "Pay by component, per agent"),
    "after": ("评估后调整", "Added after evaluation"),
    "losses": ("被取消的奖金与原因", "Bonuses lost, and to which clause"),
    "no_losses": ("本月没有因门槛或罚则被取消的工资项", "no pay line was cancelled by a gate or clause this month"),
    "events_unread": ("计算时没有提供事件文件（--events），罚则均未计算：这里只列出门槛取消的工资项",
                      "no events file (--events) was read, so no penalty clause was computed: only what gates "
                      "cancelled is listed here"),
    "component": ("工资项", "Pay line"),
    "lost": ("原应发（{unit}）", "Would have paid ({unit})"),
    "cancelled_by": ("取消原因", "Cancelled by"),
    "rules": ("规则", "Rules"),
    "careers": ("职业决定", "Career decisions"),
    "no_careers": ("本月没有职业决定", "no career decision this month"),
    "careers_files": ("职业评定由 jixiao run 按账本作出；本报告由文件计算，未记入账本",
                      "career reviews are made by jixiao run from the ledger; this report was computed from files and "
                      "is not recorded"),
    "trend": ("各组逐月得分与工资", "Score and pay by team, month by month"),
    "trend_files": ("逐月对比需要账本：用 jixiao run 记录各月后，以 --period 与 --db 生成本报告",
                    "the month-over-month view needs the ledger: record the months with jixiao run, then make this "
                    "report with --period and --db"),
    "mean_score": ("平均得分", "Mean score"),
    "team_pay": ("实发合计（{unit}）", "Total paid ({unit})"),
    "no_team": ("（未分组）", "(no team)"),
    "people": ("人数", "Agents"),
    "produced": ("生成依据", "Produced by"),
    "rating_line": ("{label} ≥ {at}", "{label} ≥ {at}"),
}
