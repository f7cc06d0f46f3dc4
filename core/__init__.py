"""unitcalc domain: quantities, catalog, billing rules, calculation, worksheet, records.

Nothing in this package imports Qt; the window in ``ui/`` and the command line call it.
"""
