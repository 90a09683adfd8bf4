"""The whole data package as one download: ``reports/industrial-internet-data.zip``, linked from the front
page. The same data gives the same bytes (entry times fixed, entries in name order), so an unchanged
package is not rewritten and a reader can compare downloads by checksum.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..files import write_atomic
from ..report.frontpage import DATA_PACKAGE

FOLDER = "industrial-internet-data"
STAMP = (1980, 1, 1, 0, 0, 0)  # zip's earliest time: the bytes depend on the data only


def package_bytes(data_dir: Path) -> bytes:
    """``datapackage.json`` and every table of ``data_dir``, in a folder of their own inside the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix in (".json", ".csv", ".md")):
            info = zipfile.ZipInfo(f"{FOLDER}/{path.name}", date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write_data_zip(data_dir: Path, reports_dir: Path) -> bool:
    """Write the download if it is missing or differs from the data; whether it was written."""
    made = package_bytes(data_dir)
    target = reports_dir / DATA_PACKAGE
    try:
        if target.read_bytes() == made:
            return False
    except OSError:
        pass
    write_atomic(target, made)
    return True
