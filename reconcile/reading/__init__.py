"""Reading returned workbooks: preflight, raw grid, tables, the typed model."""
