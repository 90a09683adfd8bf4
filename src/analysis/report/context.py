"""What the build hands a briefing's notebook: one parameter, ``context``, for the plumbing.

The notebook's parameters cell shows only what an analyst may set (title, policies, as_of, language,
due_window_months, compare_to). Everything else a build needs a briefing to know travels in one
``context`` mapping, set by ``analysis.pipeline.execute``: where the data is and that it was checked, where
the charts and saved files go, what the last build and the last published edition left. A notebook run by
hand leaves it ``None``: the project's ``data/``, validated on loading, nothing saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class BuildContext:
    data_dir: str | None = None
    """The data package; ``None``: the project's ``data/``."""
    validated: str | None = None
    """The fingerprint of the data as the build checked it: a briefing that reads the same files does not
    validate them again (``analysis.data.loading.load``)."""
    data_version: str | None = None
    """The version the briefing cites: a hash of the rows it reads (``analysis.data.reads.slice_version``)."""
    out_dir: str | None = None
    """Where ``Briefing.save`` writes facts.json, source-numbers.json and the downloads; ``None``: nowhere."""
    charts_dir: str | None = None
    """Where chart files are saved (SVG and PNG); ``None``: not saved."""
    previous_charts: str | None = None
    """The last build's chart files: a chart drawn from the same data and code is copied, not drawn."""
    previous_facts: str | None = None
    """The last build's facts.json: what "Since the last briefing" compares with, and the source numbers."""
    editions_dir: str | None = None
    """The briefing's published editions: "Since" compares with the last one when there is one."""
    briefing_id: str | None = None
    """The briefing's id in ``reports/briefings.yml``."""
    commentary: str | None = None
    """The analyst's commentary (``notebooks/commentary/<id>.md``), checked by the build; ``None``: none."""
    briefings: str | None = None
    """The briefing of each policy that has one of its own, as JSON ``{policy id: briefing id}``: the
    overview links each policy to it."""

    @classmethod
    def of(cls, value: BuildContext | dict[str, Any] | None) -> BuildContext:
        """A context from the notebook parameter (a mapping), refusing keys it does not know."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise TypeError(f"context must be a mapping set by the build, or None; got {type(value).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"context: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        return cls(**{k: None if v is None else str(v) for k, v in value.items()})

    def as_parameter(self) -> dict[str, str | None]:
        """The mapping papermill passes to the notebook."""
        return asdict(self)
