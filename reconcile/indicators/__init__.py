"""Performance-indicator helpers used by the IND rules: value parsing
(:mod:`.values`), hierarchy names (:mod:`.names`), scoring profiles
(:mod:`.scoring`) and unit-price arithmetic inside indicator texts (:mod:`.unitcost`).

Pure Python (re, decimal): importing these must stay cheap, because `reconcile rules`
imports every rule module.
"""
