"""The floor every layer stands on: pure code on plain values, importing nothing else of the package.

``dates`` (ISO dates at a source's precision), ``status_rules`` (where one target stands: the rules that
both validation and the status table apply), ``unicode`` (characters no text may carry).
"""
