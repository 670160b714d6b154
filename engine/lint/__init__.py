"""`jixiao lint`: warnings about a policy that validates but probably pays what nobody meant
(JX5xx): static checks of its text (`static`) and checks answered by probing its compiled plan with
the engine's own evaluator (`probe`, `probed`), put together and located by `lint`."""
