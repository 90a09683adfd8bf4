"""Benchmark the briefing build against the naive chain and against the limit.

    python benchmarks/bench.py [--repeat 3] [--briefings 6 | --all] [--scale] [--smoke]

Modes, each on the same briefings, in one invocation (median, min and max of ``--repeat`` runs):

- naive: what a user does by hand, per briefing, one after another: the ``papermill`` CLI, then
  ``jupyter nbconvert --to html --no-input``, then ``jupyter nbconvert --to briefing_pdf``;
- build: ``analysis build --force`` (a clean build of every briefing, each in both editions, English and
  Chinese, as ``language: both`` in reports/briefings.yml builds them);
- english: the same, English edition only (``language: en``): the work the naive chain and the limit do,
  so the ratios compare like with like, and ``build - english`` is what the Chinese edition costs;
- no-op: ``analysis build`` with nothing changed;
- edit: one outcome row changed in a copy of the data, then ``analysis build``: the analyst's loop (the
  time, and how many briefings it rebuilt);
- limit: the same notebooks, parameterised, converted to plain Python scripts once (not timed) and run with
  ``python``, one process each, one after another: the analysis itself with no kernel and no export;
- pdf: the PDF step alone, per briefing: its executed notebook to PDF through the typst exporter, in this
  process, as a build worker does it (the overview's on its own line).

``--scale`` runs build and limit on a synthetic data package (1,000 targets, 50 policies, generated into a
temporary folder, never into data/) for 10 and 50 briefings, to show how cost grows. Results print as a
table and are written as JSON to ``benchmarks/results/`` (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
AS_OF = "2026-11-23"


def run(cmd: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(cmd, check=False, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def timed(fn: Callable[[], None], repeat: int, label: str) -> dict[str, float]:
    runs = []
    for i in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
        print(f"  {label}: run {i + 1}/{repeat} {runs[-1]:.2f} s", flush=True)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs), "runs": runs}


def briefing_list(path: Path, entries: list[dict], language: str = "both") -> None:
    import yaml

    if language != "both":  # one edition for every entry, the overview's own setting overridden too
        entries = [{**e, "parameters": {**e.get("parameters", {}), "language": language}} for e in entries]
    path.write_text(yaml.safe_dump({"defaults": {"as_of": AS_OF, "language": language}, "briefings": entries},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")


def choose(n: int | None) -> list[dict]:
    import yaml

    entries = yaml.safe_load((ROOT / "reports" / "briefings.yml").read_text(encoding="utf-8"))["briefings"]
    if n is None:
        return entries
    # The overview plus the policies with the most targets: the heaviest briefings first.
    counts: dict[str, int] = {}
    for line in (ROOT / "data" / "targets.csv").read_text(encoding="utf-8").splitlines()[1:]:
        policy = line.split(",")[1]
        counts[policy] = counts.get(policy, 0) + 1
    rest = sorted((e for e in entries if e["id"] != "overview"), key=lambda e: -counts.get(e["id"], 0))
    return ([e for e in entries if e["id"] == "overview"] + rest)[:n]


def smallest() -> list[dict]:
    """For ``--smoke``: the policy briefing with the fewest targets among those showing a reported figure
    (the edit mode changes one), so that the check that the benchmark runs stays quick."""
    import csv
    import io

    import yaml

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO((ROOT / "data" / name).read_text(encoding="utf-8-sig"))))

    counts: dict[str, int] = {}
    for t in rows("targets.csv"):
        counts[t["policy_id"]] = counts.get(t["policy_id"], 0) + 1
    figures = {o["policy_id"] for o in rows("outcomes.csv") if o["target_id"] and o["value"]}
    entries = yaml.safe_load((ROOT / "reports" / "briefings.yml").read_text(encoding="utf-8"))["briefings"]
    single = [e for e in entries if isinstance(e.get("parameters", {}).get("policies"), list)
              and len(e["parameters"]["policies"]) == 1 and e["parameters"]["policies"][0] in figures]
    return [min(single, key=lambda e: counts.get(e["parameters"]["policies"][0], 0))]


def parameters(entry: dict, data_dir: Path, charts: Path) -> dict:
    """An entry's parameters as a user would pass them by hand, with the data and the charts' folder in the
    notebook's ``context`` (nothing else of the build: no facts kept, no charts reused)."""
    return {"as_of": AS_OF, "language": "both", **entry.get("parameters", {}),
            "context": {"data_dir": str(data_dir), "charts_dir": str(charts)}}


def make_scripts(entries: list[dict], work: Path, data_dir: Path, notebooks: Path) -> list[Path]:
    """Parameterise each notebook as papermill would, then convert it to a plain script (not timed)."""
    from nbconvert import PythonExporter
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    scripts = []
    for e in entries:
        nb = load_notebook_node(str(notebooks / e["notebook"]))
        nb = parameterize_notebook(nb, parameters(e, data_dir, work / "limit-charts" / e["id"]))
        source, _ = PythonExporter().from_notebook_node(nb)
        path = work / f"{e['id']}.py"
        path.write_text(source, encoding="utf-8")
        scripts.append(path)
    return scripts


def measure(entries: list[dict], data_dir: Path, repeat: int, modes: set[str], label: str) -> dict:
    import yaml

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    notebooks = ROOT / "notebooks"
    listing = work / "briefings.yml"
    briefing_list(listing, entries)
    reports = work / "reports"
    build = [str(BIN / "analysis"), "build", "--briefings", str(listing), "--data-dir", str(data_dir),
             "--reports-dir", str(reports), "--notebooks-dir", str(notebooks)]
    out: dict[str, dict] = {}
    print(f"{label}: {len(entries)} briefing(s), {repeat} run(s) per mode", flush=True)

    if "naive" in modes:
        def naive() -> None:
            for e in entries:
                executed = work / "naive" / f"{e['id']}.ipynb"
                executed.parent.mkdir(exist_ok=True)
                params = yaml.safe_dump(parameters(e, data_dir, work / "naive" / "charts"))
                run([str(BIN / "papermill"), str(notebooks / e["notebook"]), str(executed), "-k",
                     "industrial-internet", "-y", params, "--cwd", str(notebooks), "--no-progress-bar"])
                run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
                run([str(BIN / "jupyter"), "nbconvert", "--to", "briefing_pdf", str(executed)])
        out["naive"] = timed(naive, repeat, "naive")
    if "build" in modes:
        out["build"] = timed(lambda: run([*build, "--force"]), repeat, "build")
    if "english" in modes:
        english = work / "english.yml"
        briefing_list(english, entries, "en")
        one = [str(BIN / "analysis"), "build", "--briefings", str(english), "--data-dir", str(data_dir),
               "--reports-dir", str(work / "english-reports"), "--notebooks-dir", str(english_notebooks(notebooks, work)),
               "--force"]
        out["english"] = timed(lambda: run(one), repeat, "english")
    if "noop" in modes:
        run(build)
        out["noop"] = timed(lambda: run(build), repeat, "no-op")
    if "edit" in modes:
        out["edit"] = edit_loop(entries, work, data_dir, notebooks, repeat)
    if "pdf" in modes:
        out["pdf"] = pdf_step(entries, build, reports, repeat)
    if "limit" in modes:
        scripts = make_scripts(entries, work, data_dir, notebooks)

        def limit() -> None:
            for script in scripts:
                run([sys.executable, str(script)], cwd=notebooks)
        out["limit"] = timed(limit, repeat, "limit")
    shutil.rmtree(work, ignore_errors=True)
    return out


def english_notebooks(notebooks: Path, work: Path) -> Path:
    """A copy of the notebooks whose commentaries keep their English blocks only: a Chinese block in a
    briefing built in English alone is refused, as it should be."""
    import re

    copy = work / "english-notebooks"
    shutil.copytree(notebooks, copy)
    for md in (copy / "commentary").glob("*.md"):
        text = md.read_text(encoding="utf-8")
        md.write_text(re.sub(r"^::: [^\n]* zh\n.*?^:::\n", "", text, flags=re.M | re.S), encoding="utf-8")
    return copy


def pdf_step(entries: list[dict], build: list[str], reports: Path, repeat: int) -> dict:
    """Seconds to turn each executed notebook into its PDF (median of ``repeat``), with a warm exporter."""
    import nbformat

    from analysis.report.exporters import BriefingPDFExporter

    if not all((reports / e["id"] / f"{e['id']}.ipynb").exists() for e in entries):
        run(build)  # the executed notebooks to export (not timed)
    exporter = BriefingPDFExporter()
    per: dict[str, float] = {}
    for e in entries:
        nb = nbformat.read(reports / e["id"] / f"{e['id']}.ipynb", as_version=4)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            exporter.from_notebook_node(nb)
            times.append(time.perf_counter() - start)
        per[e["id"]] = statistics.median(times)
    others = [v for k, v in per.items() if k != "overview"] or list(per.values())
    return {"median": statistics.median(others), "min": min(others), "max": max(others), "per_briefing": per,
            "overview": per.get("overview")}


def engine() -> str:
    """The PDF engine, by name and version."""
    from importlib.metadata import version

    return f"typst (PyPI typst {version('typst')}), in-process"


def edit_loop(entries: list[dict], work: Path, data_dir: Path, notebooks: Path, repeat: int) -> dict:
    """The analyst's loop: one outcome row changed (its value, in a copy of the data), then a build. Times
    the build and counts the briefings it rebuilt."""
    import csv
    import io

    data = work / "edit-data"
    shutil.copytree(data_dir, data)
    listing = work / "edit.yml"
    briefing_list(listing, entries)
    build = [str(BIN / "analysis"), "build", "--briefings", str(listing), "--data-dir", str(data),
             "--reports-dir", str(work / "edit-reports"), "--notebooks-dir", str(notebooks)]
    run(build)  # the state before the edit (not timed)
    lists = [e.get("parameters", {}).get("policies", "all") for e in entries]
    everything = any(not isinstance(chosen, list) for chosen in lists)  # the overview shows every row
    shown = {p for chosen in lists if isinstance(chosen, list) for p in chosen}
    path = data / "outcomes.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("target_id")] and r[header.index("value")]
               and (everything or r[header.index("policy_id")] in shown))
    column = header.index("value")
    original = row[column]
    times, rebuilt = [], []
    for i in range(repeat):
        row[column] = str(float(original) + i + 1)  # a new value each time
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
        start = time.perf_counter()
        result = subprocess.run(build, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        rebuilt.append(sum(1 for line in result.stdout.splitlines() if line.startswith("built ")))
        print(f"  edit: run {i + 1}/{repeat} {times[-1]:.2f} s, {rebuilt[-1]} of {len(entries)} rebuilt "
              f"(outcome {row[0]})", flush=True)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times,
            "rebuilt": rebuilt, "briefings": len(entries), "outcome": row[0]}


def table(results: dict) -> str:
    lines = [f"{'mode':<10}{'median s':>10}{'min s':>9}{'max s':>9}"]
    for mode in ("naive", "build", "english", "noop", "edit", "limit", "pdf"):
        if mode in results:
            r = results[mode]
            lines.append(f"{mode:<10}{r['median']:>10.2f}{r['min']:>9.2f}{r['max']:>9.2f}")
    ratios = []
    one = "english" if "english" in results else "build"  # the build doing the work the others do: one edition
    if one in results and "limit" in results:
        ratios.append(f"{one} / limit = {results[one]['median'] / results['limit']['median']:.2f}"
                      "  (target <= 0.8)")
    if "naive" in results and one in results:
        ratios.append(f"naive / {one} = {results['naive']['median'] / results[one]['median']:.2f}"
                      "  (target >= 3)")
    if "build" in results and "english" in results:
        extra = results["build"]["median"] - results["english"]["median"]
        ratios.append(f"the Chinese edition costs {extra:.2f} s ({extra / results['english']['median']:+.0%} on the "
                      f"English-only build: build / english = {results['build']['median'] / results['english']['median']:.2f})")
    if "noop" in results:
        ratios.append(f"no-op = {results['noop']['median']:.2f} s  (target < 0.5 s)")
    if "edit" in results:
        e = results["edit"]
        ratios.append(f"edit = {e['median']:.2f} s, rebuilding {max(e['rebuilt'])} of {e['briefings']} briefings "
                      f"for one changed outcome ({e['outcome']})  (target < 5 s)")
    if "pdf" in results:
        p = results["pdf"]
        ratios.append(f"pdf = {p['median']:.2f} s per briefing (median; max {p['max']:.2f} s)"
                      + (f", overview {p['overview']:.2f} s  (target < 0.5 s)" if p.get("overview") is not None else ""))
    return "\n".join(lines + ratios + [f"PDF engine: {engine()}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (default 3)")
    parser.add_argument("--briefings", type=int, default=6, metavar="N",
                        help="the overview and the N-1 policies with most targets (default 6)")
    parser.add_argument("--all", action="store_true", help="every briefing in reports/briefings.yml")
    parser.add_argument("--scale", action="store_true", help="also the synthetic 1,000-target scale runs")
    parser.add_argument("--smoke", action="store_true",
                        help="one small briefing, one run: checks the benchmark runs")
    parser.add_argument("--modes", default="naive,build,english,noop,edit,limit,pdf",
                        help="comma-separated modes to run on the shipped data (default: all seven)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    args = parser.parse_args(argv)

    repeat = 1 if args.smoke else args.repeat
    entries = smallest() if args.smoke else choose(None if args.all else args.briefings)
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()}, "pdf_engine": engine(),
                    "as_of": AS_OF, "repeat": repeat, "briefings": [e["id"] for e in entries]}
    modes = {m.strip() for m in args.modes.split(",") if m.strip()}
    unknown = modes - {"naive", "build", "english", "noop", "edit", "limit", "pdf"}
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    report["shipped"] = measure(entries, ROOT / "data", repeat, modes, "shipped data")
    print("\n" + table(report["shipped"]))

    if args.scale and not args.smoke:
        root = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        from analysis.data.synthetic import write_synthetic_package

        data = write_synthetic_package(root, n_targets=1000, n_policies=50, seed=11)
        policies = [f"synthetic-policy-{p}" for p in range(50)]
        report["scale"] = {}
        for n in (10, 50):
            entries_n = [{"id": p, "notebook": "briefing.ipynb", "parameters": {"title": p, "policies": [p]}}
                         for p in policies[:n]]
            result = measure(entries_n, data, 1, {"build", "limit"}, f"scale: {n} briefings")
            result["per_briefing"] = {m: result[m]["median"] / n for m in ("build", "limit")}
            report["scale"][str(n)] = result
        shutil.rmtree(root, ignore_errors=True)
        print("\nscale (synthetic, 1,000 targets):")
        for n, r in report["scale"].items():
            print(f"  {n:>2} briefings: build {r['build']['median']:.1f} s ({r['per_briefing']['build']:.2f} s each), "
                  f"limit {r['limit']['median']:.1f} s ({r['per_briefing']['limit']:.2f} s each)")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{time.strftime('%Y%m%dT%H%M%S')}{'-smoke' if args.smoke else ''}.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
