"""The ledger of record: what each run decided, kept append-only (store interface, SQLite, migrations)."""
