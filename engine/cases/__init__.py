"""A policy's tests (`jixiao test`): scenario cases read, run through the month pipeline and the ledger,
compared exactly, and what they reached of the policy counted in business terms (bands, tiers, gates,
ratings, pay components, ranking cuts, review outcomes, penalty clauses). A stage above `month` and
`record`: it chains them as `jixiao run` does, and the reports above it only render what it found."""
