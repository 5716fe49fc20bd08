"""Rules: one module per family (template, income, expenditure, …), each declaring its
rules in the catalogue (:mod:`reconcile.rules.catalogue`) next to its check functions.

Rule modules are discovered automatically: every module in this package whose name
does not start with an underscore and is not one of the infrastructure modules below.
"""

from __future__ import annotations

import importlib
import pkgutil

_INFRASTRUCTURE = {"catalogue", "runner", "arith", "listing"}
_loaded = False


def load_all() -> None:
    """Import every rule module so that its rules and checks are registered."""
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _INFRASTRUCTURE:
            continue
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
