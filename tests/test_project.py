"""The project's own files agree with each other: pyproject.toml, environment.yml, the Makefile."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from analysis.paths import PROJ_ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower()


def _normal(spec: str) -> str:
    return re.sub(r"\s+", "", spec).lower()


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(s): _normal(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(s): _normal(s) for s in env["dependencies"] if isinstance(s, str)}
    from_pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))  # what conda-forge lacks
    conda |= {_name(s): _normal(s) for s in from_pip if not s.startswith("-e")}
    python = conda.pop("python")
    conda.pop("pip")
    assert python == "python" + project["requires-python"].replace(" ", "")
    assert conda == wanted


def test_make_help_lists_the_targets() -> None:
    result = subprocess.run(["make", "-s", "help"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for target in ("setup", "validate", "check", "notebooks", "hooks", "test", "lab", "clean"):
        assert re.search(rf"make {target}\s+\S", result.stdout), result.stdout


def test_default_make_goal_is_help() -> None:
    result = subprocess.run(["make", "-s"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "make test" in result.stdout


def test_pre_commit_hooks_run_what_make_check_runs() -> None:
    config = yaml.safe_load((PROJ_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert all(repo["repo"] == "local" for repo in config["repos"])  # nothing to download
    assert set(hooks) == {"validate-data", "notebooks-in-sync", "ruff"}
    makefile = (PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0]
    for hook in hooks.values():
        command = hook["entry"].replace(".venv/bin/", "$(BIN)/").replace(" --force-exclude", "")
        assert command in recipe, (command, recipe)


def test_make_check_passes_on_the_project() -> None:
    result = subprocess.run(["make", "-s", "check"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 notebook(s) paired with their scripts" in result.stdout and "All checks passed!" in result.stdout


def test_lock_pins_every_dependency_within_pyproject() -> None:
    """requirements.lock pins an exact version of each package pyproject.toml names (and environment.yml, which
    matches pyproject), inside the range pyproject allows; make setup installs from it."""
    from packaging.requirements import Requirement

    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (PROJ_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        req = Requirement(spec)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{req.name} is not pinned in requirements.lock (run make lock)"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} is outside {req.specifier}"
    makefile = (PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check -r requirements.lock" in makefile
    assert "$(STAMP): pyproject.toml requirements.lock" in makefile


def test_citation_file_names_the_data_package_and_its_version() -> None:
    cff = yaml.safe_load((PROJ_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((PROJ_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    assert cff["preferred-citation"]["type"] == "data"
    assert cff["preferred-citation"]["version"] == package["version"]
    assert cff["preferred-citation"]["license"] == "CC-BY-4.0"


def test_make_clean_keeps_published_editions(tmp_path) -> None:
    """Editions are records of what was sent, not build output: make clean (and distclean) keep them."""
    import shutil

    shutil.copy(PROJ_ROOT / "Makefile", tmp_path / "Makefile")
    reports = tmp_path / "reports"
    for path in ("b/b.html", "b/b.pdf", "b/charts/timeline.svg", "b/editions/1/edition.json", "b/editions/1/b.pdf",
                 "fresh/fresh.html", "charts/timeline.svg", "index.html", ".manifest.json"):
        (reports / path).parent.mkdir(parents=True, exist_ok=True)
        (reports / path).write_text("x", encoding="utf-8")
    (reports / "briefings.yml").write_text("briefings: []\n", encoding="utf-8")
    result = subprocess.run(["make", "-s", "clean"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    left = sorted(str(p.relative_to(reports)) for p in reports.rglob("*") if p.is_file())
    assert left == ["b/editions/1/b.pdf", "b/editions/1/edition.json", "briefings.yml"]
    assert "published editions kept" in result.stdout
