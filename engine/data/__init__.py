"""Export files → inputs: read CSV/XLSX cells as a person reads them, join metrics, roster and team."""
