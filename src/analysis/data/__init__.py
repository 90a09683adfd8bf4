"""The data package: its schema (``datapackage.json``), reading each CSV, validation with file, line and
column, typed loading, partial dates, and adding a source.

Modules in the order data flows: ``schema`` (the descriptor), ``csvfile`` (one CSV, physical lines),
``dates`` (partial dates), ``validate`` and ``rules`` (every problem, pinned to file:line:column),
``loading`` (typed DataFrames, the as-of cut), ``sources`` (``analysis add-source``), ``synthetic`` (a
generated package for benchmarks and tests).
"""
