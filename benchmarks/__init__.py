"""Benchmarks and the synthetic workbooks they run on (developer tooling, not shipped)."""
