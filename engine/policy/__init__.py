"""Policy file → plan: load the YAML with marks, check it (schema, then meaning), compile it."""
