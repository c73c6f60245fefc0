"""Storage: the event store and its recorders, the hash chain, the mapper, encryption and keys, the two views.

`service/` holds the use cases and reaches storage only through these modules; `projections/` holds the pure
folds, tables and renderers, and knows nothing of SQL.
"""
