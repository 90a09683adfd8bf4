"""The data package descriptor (``datapackage.json``) as typed objects.

The descriptor is the contract: field names, types, required fields, enums, patterns, keys. Both this
project's validator and Frictionless read it; nothing here restates it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Columns holding ISO 8601 dates at the precision the source gives (see analysis.dates).
PARTIAL_DATE_COLUMNS = frozenset(
    {"published", "issued", "period_start", "period_end", "baseline_date", "deadline", "founded",
     "reported", "refers_to", "checked", "assessed"}
)
# Of those, the ones that stand for the end of their period when loaded (a deadline of 2023 is 2023-12-31).
END_OF_PERIOD_COLUMNS = frozenset({"period_end", "deadline"})


class DescriptorError(Exception):
    """``datapackage.json`` is missing, is not JSON, or does not describe the tables."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    format: str | None = None
    description: str = ""
    minimum: float | str | None = None
    """Lowest allowed value (a number, or an ISO date for a date field), from ``constraints``."""
    maximum: float | str | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    resource: str
    reference: str


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Descriptor:
    """``datapackage.json``: its tables and version, and the parsed JSON itself (``raw``)."""

    tables: tuple[Table, ...]
    version: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def _one(value: Any) -> str:
    if isinstance(value, list):
        if len(value) != 1:
            raise DescriptorError("composite foreign keys are not supported")
        return str(value[0])
    return str(value)


def read_descriptor(data_dir: Path) -> Descriptor:
    """Read ``datapackage.json`` from ``data_dir``; raise ``DescriptorError`` with the reason."""
    path = data_dir / "datapackage.json"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DescriptorError("file is missing: the data package descriptor is required", 0) from None
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"not valid UTF-8 ({exc.reason})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    try:
        tables = []
        for res in raw["resources"]:
            schema = res["schema"]
            fields = []
            for f in schema["fields"]:
                cons = f.get("constraints", {})
                pattern = cons.get("pattern")
                fields.append(
                    Field(
                        name=f["name"],
                        type=f.get("type", "string"),
                        required=bool(cons.get("required", False)),
                        unique=bool(cons.get("unique", False)),
                        enum=tuple(cons["enum"]) if "enum" in cons else None,
                        pattern=re.compile(pattern) if pattern else None,
                        format=f.get("format"),
                        description=f.get("description", ""),
                        minimum=cons.get("minimum"),
                        maximum=cons.get("maximum"),
                    )
                )
            pk = schema.get("primaryKey", [])
            fks = tuple(
                ForeignKey(_one(fk["fields"]), fk["reference"]["resource"], _one(fk["reference"]["fields"]))
                for fk in schema.get("foreignKeys", [])
            )
            tables.append(
                Table(res["name"], res["path"], tuple(fields), tuple([pk] if isinstance(pk, str) else pk), fks)
            )
    except (KeyError, TypeError, re.error) as exc:
        raise DescriptorError(f"does not describe the tables as expected: {exc!r}") from None
    return Descriptor(tuple(tables), str(raw.get("version", "")), raw)
