"""The list of briefings (``reports/briefings.yml``), read and checked before anything runs.

Unknown keys, unknown policy ids ("did you mean ...?"), a parameter the notebook does not declare, a bad
date or language: ``read_briefings`` raises ``ConfigError`` naming the entry and the key at fault.

``policies`` is ``"all"``, a list of policy ids, or ``{topic: NAME}``: the policies whose ``topics`` column in
``policies.csv`` lists NAME, resolved here to their ids in issue order, so the notebook, the inputs hash and
the cache only ever see a list.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import paths
from ..data import topics
from ..data.problems import ProblemsError, did_you_mean

ENTRY_KEYS = {"id", "notebook", "parameters", "title_zh"}
TOP_KEYS = {"defaults", "briefings"}
SET_BY_BUILD = {"context"}
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
class ConfigError(ProblemsError):
    """The list of briefings is wrong; ``problems`` say where."""


@dataclass(frozen=True)
class BriefingSpec:
    id: str
    notebook: Path
    parameters: dict[str, Any]
    declared: frozenset[str] = frozenset()  # the names in the notebook's parameters cell
    notebooks_dir: Path = paths.NOTEBOOKS_DIR  # where its commentary and extra cells are looked for
    title_zh: str = ""  # the Chinese edition's title, where the entry gives one (else the policy's own)

    @property
    def additions(self) -> list[Path]:
        """The briefing's own files beside the notebooks: its commentary (and the record of its last
        confirmation) and its extra cells, those that exist."""
        from ..report.commentary import commentary_path, confirmation_path
        from .splice import extra_path

        commentary = commentary_path(self.notebooks_dir, self.id)
        paths = (commentary, confirmation_path(commentary), extra_path(self.notebooks_dir, self.id))
        return [p for p in paths if p.exists()]

    @property
    def title(self) -> str:
        return str(self.parameters.get("title", self.id))

    @property
    def editions(self) -> tuple[str, ...]:
        """The languages it is built in, the first one the edition that writes its facts and downloads:
        ``language: both`` is English (with the Chinese names beside) and Chinese."""
        language = str(self.parameters.get("language", "en"))
        return ("en", "zh") if language == "both" else (language,)

    def stem(self, language: str) -> str:
        """The file name of an edition without its extension: ``<id>`` in English, ``<id>.zh`` in Chinese."""
        from ..report.i18n import stem

        return stem(self.id, language)

    @property
    def stems(self) -> list[str]:
        return [self.stem(language) for language in self.editions]


# -- the list of briefings ------------------------------------------------------------------------------


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names (and literal defaults) assigned in the notebook's cell tagged ``parameters``."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names: dict[str, Any] = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            try:
                                names[target.id] = ast.literal_eval(node.value)
                            except ValueError:
                                names[target.id] = None
            return names
    raise ConfigError([f"{notebook}: no cell tagged 'parameters' (papermill needs one)"])


def _policy_rows(data_dir: Path) -> list[topics.PolicyRow] | None:
    """The policies in ``policies.csv``, in file order; ``None`` if the file cannot be read."""
    try:
        with open(data_dir / "policies.csv", encoding="utf-8-sig", newline="") as f:
            return [topics.PolicyRow(row.get("id") or "", row.get("issued") or "", tuple(topics.split(row.get("topics") or "")))
                    for row in csv.DictReader(f)]
    except (OSError, csv.Error, UnicodeDecodeError):
        return None  # the data check reports it


def resolve_topic(label: str, value: dict[Any, Any], rows: list[topics.PolicyRow] | None,
                  data_dir: Path) -> tuple[list[str], list[str]]:
    """``policies: {topic: 5g}`` as a list of policy ids; return ``(ids, problems)``."""
    where = f"{label}: parameter 'policies'"
    known = ", ".join(topics.TOPICS)
    if set(value) != {"topic"} or not isinstance(value["topic"], str):
        return [], [f"{where} must be 'all', a list of policy ids or {{topic: NAME}} "
                    f"with one topic of: {known}"]
    topic = value["topic"]
    if topic not in topics.TOPICS:
        return [], [f"{where}: unknown topic {topic!r}{topics.suggest(topic)} (known topics: {known})"]
    if rows is None:
        return [], [f"{where}: topic {topic!r} needs {data_dir / 'policies.csv'}, which could not be read"]
    ids = topics.policies_with_topic(rows, topic)
    if not ids:
        return [], [f"{where}: no policy in {data_dir / 'policies.csv'} has topic {topic!r}: the briefing "
                    "would be empty (see the column 'topics')"]
    return ids, []


def read_briefings(path: Path, data_dir: Path, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> list[BriefingSpec]:
    """Read and check the list of briefings; raise ``ConfigError`` naming each entry and key at fault."""
    import yaml

    where = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ten times faster
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ConfigError([f"{where}: file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError([f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("briefings"), list):
        raise ConfigError([f"{where}: expected a mapping with a list under 'briefings'"])
    problems = [f"{where}: unknown top-level key {k!r} (expected: defaults, briefings)" for k in raw if k not in TOP_KEYS]
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(f"{where}: 'defaults' must be a mapping of parameters")
        defaults = {}
    policy_rows = _policy_rows(data_dir)
    policies = {r.id for r in policy_rows or []}
    declared_in: dict[Path, dict[str, Any]] = {}
    seen: set[str] = set()
    out = []
    for n, entry in enumerate(raw["briefings"], start=1):
        if not isinstance(entry, dict):
            problems.append(f"{where}: briefing #{n} is not a mapping")
            continue
        bid = str(entry.get("id", f"#{n}"))
        label = f"{where}: briefing {bid!r}"
        problems += [f"{label}: unknown key {k!r} (expected: id, notebook, parameters, title_zh)" for k in entry
                     if k not in ENTRY_KEYS]
        if "id" not in entry or not _ID.fullmatch(bid):
            problems.append(f"{label}: 'id' must be a slug of lower-case letters, digits and hyphens")
        if bid in seen:
            problems.append(f"{label}: id used twice")
        seen.add(bid)
        notebook = notebooks_dir / str(entry.get("notebook", ""))
        if "notebook" not in entry or not notebook.is_file():
            problems.append(f"{label}: notebook {str(entry.get('notebook'))!r} not found in {notebooks_dir}")
            continue
        params = {**defaults, **(entry.get("parameters") or {})}
        try:
            if notebook not in declared_in:
                declared_in[notebook] = declared_parameters(notebook)
            declared = declared_in[notebook]
        except ConfigError as exc:
            problems += exc.problems
            continue
        for key, value in params.items():
            if key in SET_BY_BUILD:
                problems.append(f"{label}: parameter {key!r} is set by the build; remove it")
            elif key not in declared:
                problems.append(f"{label}: parameter {key!r} is not declared in {notebook.name} "
                                f"(declared: {', '.join(k for k in declared if k not in SET_BY_BUILD)})")
            elif isinstance(value, date):
                params[key] = value.isoformat()
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
        if isinstance(params.get("policies"), dict):  # {topic: 5g}: the notebook gets the list of ids
            params["policies"], resolved = resolve_topic(label, params["policies"], policy_rows, data_dir)
            problems += resolved
        problems += _check_parameters(label, params, policies)
        if "title_zh" in entry and not (isinstance(entry["title_zh"], str) and entry["title_zh"].strip()):
            problems.append(f"{label}: 'title_zh' must be the Chinese edition's title, as text")
        out.append(BriefingSpec(bid, notebook, params, frozenset(declared), notebooks_dir,
                                str(entry.get("title_zh") or "")))
    if problems:
        raise ConfigError(problems)
    return out


def _check_parameters(label: str, params: dict[str, Any], policies: set[str]) -> list[str]:
    problems = []
    chosen = params.get("policies", "all")
    if chosen != "all":
        if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen):
            problems.append(f"{label}: parameter 'policies' must be 'all', a list of policy ids or {{topic: NAME}}")
        else:
            for p in chosen:
                if policies and p not in policies:
                    problems.append(f"{label}: unknown policy id {p!r} in 'policies'{did_you_mean(p, sorted(policies))}")
    if "language" in params and params["language"] not in ("en", "zh", "both"):
        problems.append(f"{label}: parameter 'language' must be en, zh or both, got {params['language']!r}")
    if "as_of" in params:
        try:
            date.fromisoformat(str(params["as_of"]))
        except ValueError:
            problems.append(f"{label}: parameter 'as_of' must be a date as YYYY-MM-DD, got {params['as_of']!r}")
    if "due_window_months" in params and (not isinstance(params["due_window_months"], int)
                                          or params["due_window_months"] < 0):
        problems.append(f"{label}: parameter 'due_window_months' must be a whole number of months, 0 or more")
    if "title" in params and not isinstance(params["title"], str):
        problems.append(f"{label}: parameter 'title' must be text")
    compare_to = params.get("compare_to")
    if compare_to is not None:
        if not isinstance(compare_to, str) or not compare_to.strip():
            problems.append(f"{label}: parameter 'compare_to' must be the path of a facts.json (or its folder)")
        else:
            from ..report.snapshot import SnapshotError, read

            try:
                read(compare_to)
            except SnapshotError as exc:
                problems.append(f"{label}: parameter 'compare_to': {exc}")
    return problems
