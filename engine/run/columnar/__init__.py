"""The columnar back-end (issue 19): the plan's ops lowered to column operations on whole numbers.

The Decimal back-ends (the generated code and the reference interpreter) stay the definition; this
one computes the same numbers for a whole month at once, on 64-bit whole numbers and exact
fractions, and hands every row it cannot vouch for back to the Decimal code (`evaluate`).
"""
