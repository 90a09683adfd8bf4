"""The one read of a data package: its descriptor and every CSV, each row with its physical line, and a
fingerprint of the content.

A build reads the package once (``read_files``) and hands the same files to the validator
(``analysis.data.validate.check``) and to the row digests that decide what to rebuild
(``analysis.data.reads.TextRows.of``). A briefing's kernel reads it once more, to type it, and skips the
validation when the fingerprint is the one the build checked (``analysis.data.loading.load``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .csvfile import CsvFile, read_csv
from .problems import WHOLE, Problem
from .schema import Descriptor, DescriptorError, read_descriptor


@dataclass
class PackageFiles:
    """What ``read_files`` found: the descriptor (``None`` if unreadable), the readable files by table,
    the structural problems (encoding, quoting, header, ragged rows), and the content fingerprint."""

    data_dir: Path
    descriptor: Descriptor | None
    files: dict[str, CsvFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Tables whose structure is broken: checks that need all of their rows skip them."""
    row_counts: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""
    """A hash of the package's content (the descriptor and every row read), not of its bytes: the same
    after a re-save with other line endings or a byte-order mark."""

    @property
    def version(self) -> str:
        """The data version readers cite: the curators' version and a short content hash, ``1.0.0+3f2a9c1e``."""
        if self.descriptor is None:
            return ""
        version = self.descriptor.version
        return f"{version}+{self.fingerprint[:8]}" if self.fingerprint else version


def read_files(data_dir: Path | str) -> PackageFiles:
    """Read the descriptor and every CSV it names. Never raises for bad data: problems are collected."""
    data_dir = Path(data_dir)
    try:
        descriptor = read_descriptor(data_dir)
    except DescriptorError as exc:
        return PackageFiles(data_dir, None, problems=[Problem(str(data_dir / "datapackage.json"), exc.line, WHOLE,
                                                             str(exc))])
    read = PackageFiles(data_dir, descriptor)
    content = hashlib.sha256()
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = (data_dir / "datapackage.json").read_text(encoding="utf-8-sig")
        content.update(text.replace("\r\n", "\n").encode("utf-8"))
    for table in descriptor.tables:
        f = read_csv(data_dir / table.path, str(data_dir / table.path), table.columns)
        read.problems.extend(f.problems)
        if f.problems:
            read.broken.add(table.name)
        if f.readable:
            read.files[table.name] = f
            content.update(json.dumps([table.name, [r.values for r in f.rows]], ensure_ascii=False).encode("utf-8"))
        read.row_counts[table.name] = len(f.rows)
    read.fingerprint = content.hexdigest()
    return read
