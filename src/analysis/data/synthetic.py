"""A synthetic data package for stress tests and benchmarks, never for briefings.

Every id and title says "synthetic"; the package is written wherever the caller says (a temporary folder),
never into ``data/``. It reuses the shipped ``datapackage.json``, so it passes the same validation.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

from .. import paths


def write_synthetic_package(root: Path, n_targets: int = 300, n_policies: int = 60, seed: int = 7,
                  undated_share: float = 0.03, qualitative_share: float = 0.15,
                  outcome_share: float = 0.3) -> Path:
    """Write a synthetic package into ``root / "synthetic-data"`` and return that folder."""
    rng = random.Random(seed)
    data = root / "synthetic-data"
    data.mkdir(parents=True)
    shutil.copy(paths.DATA_DIR / "datapackage.json", data / "datapackage.json")
    package = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    columns = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}

    def write(table: str, rows: list[dict[str, str]]) -> None:
        with open(data / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns[table], lineterminator="\n")
            w.writeheader()
            w.writerows(rows)

    write("sources", [{"id": "synthetic-source", "title": "[Synthetic test source]", "publisher": "synthetic",
                       "url": "https://example.org/synthetic", "language": "en", "grade": "weak"}])
    policies = []
    for p in range(n_policies):
        start = rng.randint(2015, 2040)
        policies.append({"id": f"synthetic-policy-{p}",
                         "title_en": f"Synthetic policy number {p} with a long name that needs wrapping",
                         "title_zh": f"合成测试政策{p}", "issuer": "synthetic", "issued": f"{start}-0{rng.randint(1, 9)}",
                         "period_start": str(start), "period_end": str(start + rng.randint(1, 8)),
                         "level": "national", "source_id": "synthetic-source"})
    targets, outcomes = [], []
    for t in range(n_targets):
        p = policies[t % n_policies]
        qualitative = rng.random() < qualitative_share
        deadline = "" if rng.random() < undated_share else str(min(int(p["period_start"]) + rng.randint(0, 10), 2050))
        targets.append({"id": f"synthetic-target-{t}", "policy_id": p["id"], "metric": f"synthetic metric {t}",
                        "description_en": f"Synthetic target {t}",
                        "comparator": "qualitative" if qualitative else "at-least",
                        "target_value": "" if qualitative else str(rng.randint(1, 1000)),
                        "unit": "" if qualitative else "projects", "deadline": deadline, "scope": "national",
                        "source_id": "synthetic-source", "as_printed": "" if qualitative else "synthetic"})
        if not qualitative and rng.random() < outcome_share:
            outcomes.append({"id": f"synthetic-outcome-{t}", "target_id": f"synthetic-target-{t}",
                             "policy_id": p["id"], "metric": f"synthetic metric {t}", "qualifier": "exact",
                             "value": str(rng.randint(1, 1000)), "unit": "projects", "refers_to": "2022",
                             "reported": "2023-01-01", "scope": "national", "source_id": "synthetic-source",
                             "as_printed": "synthetic", "match": "same"})
    write("policies", policies)
    write("targets", targets)
    write("outcomes", outcomes)
    for table in ("bodies", "investments", "citations", "checks", "assessments"):
        write(table, [])
    return data
