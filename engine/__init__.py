"""jixiao: policy-as-code for scoring, paying and promoting customer-service agents.

The layout is the pipeline, one sub-package per stage, each importing only those below it:

    errors, text, columns, collector   the ground floor: diagnostics, text folding, standard columns
    model/     the vocabulary           the plan, its steps, their kinds, units and names, and the values a
                                        month passes along (inputs, events, results, adjustments, retro lines):
                                        ground floor too, so no stage imports the compiler or evaluator for a type
    policy/    policy file → plan       load (YAML with marks) → check (schema, meaning) → compile
    run/       plan + inputs → results  evaluate (a pure function whose trace is its own record),
                                        population (rankings and team values between phases), adjust
    data/      export files → inputs    cells, CSV/XLSX readers, the join of metrics, roster, team, adjustments
    ledger/    results → record, state  store (interface), sqlite, migrations, codec, verify, state (what a
                                        month reads), reviews, digest, changes
    report/    results → people         tables, CSV/JSON/XLSX, explain, messages, atomic writes, recorded
    pipeline   the stages chained (a policy file to its plan), for the CLI and tests
    month      one month from its sources: read, evaluated from the ledger's state, settled, reviewed
    record     the stages chained for `jixiao run` / `decide` / `show`: a month recorded and carried
               through the later months, decisions by hand, a recorded month re-shown
"""

__version__ = "0.2.0"
