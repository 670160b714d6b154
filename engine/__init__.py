"""jixiao: policy-as-code for scoring, paying and promoting customer-service agents.

The pipeline is one module per stage: load → check → compile → evaluate → report, with the
trace recorded by evaluation itself and rendered by `explain`.
"""

__version__ = "0.1.0"
