"""Pandera schemas of the template's sheets: each sheet's shape and its checks.

One module per sheet (``income``, ``expenditure``, ``budget``, ``carryover``) plus
``basic`` (基本情况 staffing identities) and ``cross`` (cross-sheet and cross-year
frames). Each builds a DataFrame from the typed model, indexed by the Excel row
number, and validates it once, lazily, against a ``DataFrameSchema`` whose checks
are vectorised. :mod:`reconcile.schemas.engine` turns pandera's failure cases into
``(check name, row)`` pairs; the rule modules (``reconcile/rules``) turn those into
findings, recomputing the figures in Decimal for the message.

These modules import pandas and pandera at top level, so rule modules import them
inside their check functions only (``reconcile rules`` must start fast).
"""
