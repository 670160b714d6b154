"""The suite's shared harness: what many test modules need, written once.

- `harness.paths`: the repository's folders, shipped policies and example files.
- `harness.cli`: the `jixiao` command invoked in-process (`run(*args)`), its JSON read back.
- `harness.files`: month exports, rosters, events and adjustments files written for a test.
- `harness.ledger`: months recorded into a ledger in a test's folder, and read back with `show`.
- `harness.plans`: a policy text compiled, and a result's traced values.
- `harness.scenarios`: scenario cases as data (tests/scenarios/): the engine's own runner
  (`engine.cases`, which `jixiao test` runs), named where the suite looks for it.

A helper belongs here when two test modules need it; a fixture particular to one module stays there.
"""
