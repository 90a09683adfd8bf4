"""Industrial Internet Policy Tracker: the library the notebooks and the CLI use.

``load(data_dir)`` gives typed tables; ``validate(data_dir, archive=None)`` lists problems. Heavy
libraries (pandas) load only when ``load`` is first used, so the CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .data.problems import DataError, Problem
from .data.validate import validate

if TYPE_CHECKING:
    from .data.loading import Dataset, load

__all__ = ["DataError", "Dataset", "Problem", "load", "validate"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("load", "Dataset"):
        from .data import loading as _loading

        return getattr(_loading, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
