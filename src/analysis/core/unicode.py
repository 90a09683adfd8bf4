"""Characters that change how other text displays, or hide in it: the validator warns about them in values
(real text may need them), and the renderers drop the bidirectional controls from whatever reaches a page
or a chart."""

from __future__ import annotations

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = BIDI_CONTROLS | frozenset("\u200b\u200c\u200d\u2060\ufeff")
WITHOUT_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
"""``str.translate`` table that drops the bidirectional controls."""
