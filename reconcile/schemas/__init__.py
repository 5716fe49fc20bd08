"""Pandera schemas of the template's sheets: each sheet's shape and its checks.

One module per sheet (``income``, ``expenditure``, ``budget``, ``carryover``) plus
``basic`` (基本情况 staffing identities) and ``cross`` (cross-sheet and cross-year
frames). Each builds a frame from the typed model, indexed by the Excel row number,
and validates it once against a ``DataFrameSchema`` (the one declaration of the
frame's columns and of its vectorised checks). :mod:`reconcile.schemas.engine` runs
the schema on a fast path (each check's mask evaluated once on the frame's numpy
arrays, pandera's lazy validation when the frame is not as declared) and returns
``(check name, row)`` pairs; the rule modules (``reconcile/rules``) turn those into
findings, recomputing the figures in Decimal for the message.

These modules import numpy and pandera at top level, so rule modules import them
inside their check functions only (``reconcile rules`` must start fast;
:func:`reconcile.rules._common.check_sheet` does it for the sheet rules).
"""
