"""Results → people: tables, CSV, JSON, XLSX, explain trees, messages, files written atomically."""
