"""Topics: a small, fixed vocabulary that classifies each policy by what its own rows in ``data/`` measure.

``policies.csv`` has a ``topics`` column, a space-separated list from ``TOPICS`` (``5g platforms cloud``).
A curator assigns them from the policy's targets, outcomes and investments: a policy whose targets count 5G
factories gets ``5g``. A policy with none of those rows takes the topics its own title names (the 5G
"Sailing" plan is ``5g``); a policy whose rows and title name none is left empty.

``datapackage.json`` declares the same vocabulary as a pattern (``pattern()``), so that Frictionless checks
it too; ``problem()`` is this project's check, with "did you mean ...?"; ``split()`` reads a value.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

TOPICS: dict[str, str] = {
    "5g": "5G networks and factories: 5G fully-connected factories, \"5G + industrial internet\" projects",
    "networks": "network infrastructure other than 5G: external networks, enterprise intranets, IPv6, coverage",
    "identifiers": "the identifier resolution system: top-level and secondary nodes, registrations, resolutions",
    "platforms": "industrial internet platforms: platforms of influence, equipment connected, penetration",
    "cloud": "enterprises, equipment and business systems moving onto cloud platforms",
    "apps": "industrial apps",
    "security": "industrial internet and IoT security: assurance systems, security pilots and standards",
    "standards": "standards and their test systems",
    "pilots": "pilot and demonstration projects, demonstration bases, pilot cities",
    "manufacturing": "manufacturing strength and its digital transformation: rankings, CNC and digital R&D tool "
                     "rates, R&D cycles, productivity",
    "ai": "artificial intelligence in industry",
}
"""Each topic and what it covers, in the order they are listed (README, error messages)."""


def pattern() -> str:
    """The ``constraints.pattern`` of ``policies.topics`` in ``datapackage.json``: topics from the vocabulary,
    separated by single spaces, or nothing."""
    one = "(" + "|".join(TOPICS) + ")"
    return f"^{one}( {one})*$"


def split(value: str) -> list[str]:
    """The topics in a ``topics`` value, in the order written (``"5g cloud"`` -> ``["5g", "cloud"]``)."""
    return value.split()


def suggest(word: str) -> str:
    """``"; did you mean '5g'?"`` for a near miss of a topic, else ``""``."""
    close = difflib.get_close_matches(word.lower(), list(TOPICS), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def problem(value: str) -> str | None:
    """What is wrong with a ``topics`` value, or ``None`` (an empty value is fine: no topic)."""
    if value == "":
        return None
    if value != " ".join(value.split()):
        return f"topics {value!r}: separate topics with single spaces, e.g. '5g platforms'"
    words = split(value)
    for word in words:
        if word not in TOPICS:
            return f"unknown topic {word!r}{suggest(word)} (known topics: {', '.join(TOPICS)})"
    twice = sorted({w for w in words if words.count(w) > 1})
    if twice:
        return f"topic {twice[0]!r} is listed twice"
    return None


@dataclass(frozen=True)
class PolicyRow:
    """What the list of briefings needs of a policy: its id, when it was issued, its topics."""

    id: str
    issued: str
    topics: tuple[str, ...]


def policies_with_topic(rows: list[PolicyRow], topic: str) -> list[str]:
    """Ids of the policies with ``topic``, in issue order (undated last; ties keep the file's order).

    Dates at the source's precision compare as text: ``2021`` comes before ``2021-01-13``.
    """
    chosen = [(n, r) for n, r in enumerate(rows) if topic in r.topics]
    chosen.sort(key=lambda nr: (nr[1].issued == "", nr[1].issued, nr[0]))
    return [r.id for _, r in chosen]
