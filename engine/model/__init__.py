"""The vocabulary every stage speaks: what a plan is made of and the values a month passes along.

The ground floor beside errors and text: plain frozen values and enums, importing nothing of
the engine, so the data readers, the evaluator, the ledger and the reports can name a plan, a
step or a result without importing the compiler (engine.policy.compile) or the evaluator
(engine.run.evaluate), which build and compute them.

    label        a text in Chinese and English
    kinds        Kind: what a step is (a KPI's points, a pay component, a clause's count …)
    units        Unit: how a step's value is shown (money, a ratio, points, yes/no …)
    step_names   the names the compiler gives the steps later stages look up (`.earned`, `loss_deduction` …)
    steps        Step, Threshold, Population: the plan's traced values and the values taken over many agents
    plan         Plan and what it holds of the policy: PolicyRef, Metric, Aggregate
    penalties    EventVocabulary, Clause, Deductions: events, penalty clauses, the legal guard (L.1)
    months       Condition, Window, last_months: what reads across months
    reviews      Review, RoleReview, Then: career reviews the ledger stage applies (S0.7, S4)
    corrections  Overpayment, Corrections, Owed, RetroLine, Bound: a corrected approved month settled (L.5)
    events       Event: one event of an agent's month, as read
    inputs       AgentInput, AgentState, State: what a month's evaluation reads
    results      AgentResult, Adjustment, Outcome: what it gives and what a month records
"""
