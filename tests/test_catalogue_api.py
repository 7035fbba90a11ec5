"""The Python API: bundled catalogue found (also when installed), immutable models, lookups, pandas views."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from solver.errors import LookupFailure
from solver.model.catalogue import bundled_catalogue, load_catalogue
from solver.queries.reports import qualifications_frame, units_frame

REPO = Path(__file__).resolve().parents[1]


def test_no_argument_loads_the_bundled_catalogue(catalogue) -> None:
    assert bundled_catalogue() == REPO / "catalogue"
    assert Path(catalogue.root) == bundled_catalogue()
    again = load_catalogue(REPO / "catalogue")
    assert again.qualifications == catalogue.qualifications and dict(again.units) == dict(catalogue.units)


def test_one_file_can_be_loaded_alone() -> None:
    cat = load_catalogue(REPO / "catalogue" / "ilm-l3-leadership.yaml")
    assert [q.accreditation for q in cat.qualifications] == ["600/5788/9"] and len(cat.units) == 3


def test_packaging_maps_the_catalogue_into_the_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "solver.bundled_catalogue" in config["packages"]
    assert config["package-dir"]["solver.bundled_catalogue"] == "catalogue"
    assert "*.yaml" in config["package-data"]["solver.bundled_catalogue"]


def _run_installed(site: Path) -> str:
    """Load the default catalogue from an installed copy at `site`, away from the source tree."""
    code = ("import solver, solver.model.catalogue as c; cat = c.load_catalogue(); "
            "print(solver.__file__); print(c.bundled_catalogue()); print(len(cat.qualifications), len(cat.units))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", code], cwd=site.parent, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_installed_layout_finds_its_bundled_catalogue(tmp_path: Path) -> None:
    """The layout a wheel installs (solver/ with catalogue/ as solver/bundled_catalogue/, no __init__.py)."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "solver", site / "solver", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "catalogue", site / "solver" / "bundled_catalogue")
    out = _run_installed(site).splitlines()
    assert out == [str(site / "solver" / "__init__.py"), str(site / "solver" / "bundled_catalogue"), "3 51"]


@pytest.mark.skipif(os.environ.get("PATHWAYS_SLOW") != "1", reason="builds a wheel (about 10 s); PATHWAYS_SLOW=1")
def test_built_wheel_carries_and_finds_the_catalogue(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for name in ("solver", "catalogue"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(source)], check=True, timeout=600)
    wheel = next((tmp_path / "dist").glob("pathways-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for yaml_file in (REPO / "catalogue").glob("*.yaml"):
        assert f"solver/bundled_catalogue/{yaml_file.name}" in names
    # Every module ships, subpackages too: a package missing from pyproject.toml loses the CLI.
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "solver").rglob("*.py")}
    assert modules <= set(names), sorted(modules - set(names))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(tmp_path / "site"), str(wheel)], check=True,
                   timeout=600)
    assert _run_installed(tmp_path / "site").splitlines()[-1] == "3 51"


def test_models_are_immutable(catalogue) -> None:
    unit = catalogue.units["8000-250"]
    q = catalogue.qualification("600/5962/X")
    with pytest.raises(ValidationError):
        unit.credits = 5
    with pytest.raises(ValidationError):
        q.groups[0].name = "Anything"
    with pytest.raises(ValidationError):
        q.rules[0].min = 1
    with pytest.raises(ValidationError):
        q.figures.glh = 1
    with pytest.raises(TypeError):
        q.groups[0].units[0] = "8000-999"  # groups hold tuples
    with pytest.raises(TypeError):
        catalogue.units["8000-999"] = unit
    with pytest.raises(TypeError):
        del catalogue.units["8000-250"]
    with pytest.raises(AttributeError):
        catalogue.root = "elsewhere"
    assert catalogue.units["8000-250"].credits == 1


def test_catalogue_survives_pickling(catalogue) -> None:
    """Worker processes receive the catalogue by pickle; the frozen unit map must come back intact."""
    import pickle

    copy = pickle.loads(pickle.dumps(catalogue))
    assert dict(copy.units) == dict(catalogue.units) and copy.qualifications == catalogue.qualifications
    with pytest.raises(TypeError):
        copy.units["x"] = None


@pytest.mark.parametrize("ref, expected", [
    ("600/5962/X", "l2-cert-lts"), ("600/5962/x", "l2-cert-lts"), ("  600/5962/X ", "l2-cert-lts"),
    ("l2-cert-lts", "l2-cert-lts"), ("L2-CERT-LTS", "l2-cert-lts"), ("600/5928/X", "l2-award-lts"),
    ("l3-cert-leadership", "l3-cert-leadership"), ("600/5788/9", "l3-cert-leadership"),
])
def test_lookup_by_accreditation_or_id(catalogue, ref: str, expected: str) -> None:
    assert catalogue.qualification(ref).id == expected


def test_lookup_failure_names_what_is_known(catalogue) -> None:
    with pytest.raises(LookupFailure) as err:
        catalogue.qualification("600/0000/0")
    assert str(err.value) == (
        f"no qualification '600/0000/0' in {catalogue.root}; known: l2-award-lts (600/5928/X), "
        "l2-cert-lts (600/5962/X), l3-cert-leadership (600/5788/9)")


def test_units_frame(catalogue) -> None:
    frame = units_frame(catalogue)
    assert list(frame.columns) == ["qualification", "accreditation", "group", "group_name", "code", "title",
                                   "level", "credits", "glh", "tags", "modes", "tqt", "derived", "labelled"]
    assert len(frame) == 30 + 48 + 3
    per_group = frame.groupby(["qualification", "group"]).size().to_dict()
    assert per_group == {("l2-award-lts", "G1"): 30, ("l2-cert-lts", "G1"): 30, ("l2-cert-lts", "G2"): 18,
                         ("l3-cert-leadership", "G1"): 3}
    row = frame[(frame.qualification == "l2-cert-lts") & (frame.code == "8000-360")].iloc[0]
    assert (row.group, row.title, row.level, row.credits, row.glh) == (
        "G2", "Undertaking Coaching within an Organisational Context", 3, 4, 12)
    assert not frame.duplicated(["qualification", "group", "code"]).any()
    assert frame.groupby("qualification").credits.sum().to_dict() == {
        "l2-award-lts": 43, "l2-cert-lts": 80, "l3-cert-leadership": 14}


def test_qualifications_frame(catalogue) -> None:
    frame = qualifications_frame(catalogue).set_index("accreditation")
    assert sorted(frame.index) == ["600/5788/9", "600/5928/X", "600/5962/X"]
    cert = frame.loc["600/5962/X"]
    assert (cert["id"], cert.units, cert.groups, cert.min_credits, cert.max_credits, cert.glh, cert.tqt) == (
        "l2-cert-lts", 48, 2, 13, 36, 28, 130)
    assert cert.average_glh == 42.5
    l3 = frame.loc["600/5788/9"]
    assert (l3.units, l3.min_credits, l3.max_credits, l3.duration) == (3, 14, 14, "3 years")
    assert pd.isna(l3.glh) and pd.isna(l3.tqt)
    assert set(frame.operational_start.astype(str)) == {"2012-09-01"}
