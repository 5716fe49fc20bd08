"""reconcile: checks department budget and performance self-evaluation workbooks."""

__version__ = "0.1.0"
