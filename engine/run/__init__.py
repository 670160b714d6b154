"""Plan + inputs + prior state → results: the evaluation, a pure function with its trace."""
