"""The build: every briefing in ``reports/briefings.yml``, run by papermill and exported as HTML and PDF.

In the order a build goes: ``spec`` (the list, checked first), ``inputs`` (what each briefing depends on,
and the manifest of the last good builds), ``execute`` (one briefing, in a worker), ``pool`` (the workers
and process control) and ``run`` (the whole build: what is out of date, and building it; the front page
and the data download, ``data_zip``, last). Nothing heavy is imported until there is work.
"""

from __future__ import annotations

from .execute import KERNEL, skip_slow_iri_checker
from .run import Options, build, main_build
from .spec import BriefingSpec, ConfigError, read_briefings

__all__ = ["KERNEL", "BriefingSpec", "ConfigError", "Options", "build", "main_build", "read_briefings",
           "skip_slow_iri_checker"]
