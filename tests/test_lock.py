"""The lock files pin every package the app needs, and only those, so that pip and Heroku's buildpack install the
same set on every machine; the app itself is in the lock; `.python-version` is a Python that pyproject accepts.

How to refresh the locks: README, "Dependencies". That a fresh venv installs the lock and the app then starts is
checked by `.ci/run` (the package smoke check), since a fresh install takes about a minute.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REFRESH = "the lock is stale: refresh it as README's \"Dependencies\" says"


def read_lock(name: str) -> tuple[dict[str, Version], list[str]]:
    """The `name==version` pins of a lock file and its other requirement lines (editables, includes)."""
    pins: dict[str, Version] = {}
    others: list[str] = []
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-"):
            others.append(line)
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier  # exactly one specifier, and it pins
        assert specifier.operator == "==", f"{name}: {raw!r} is not pinned"
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins, others


def closure(extras: set[str]) -> dict[str, set[Requirement]]:
    """Every distribution that installing ctobot (with `extras`) brings in, with the requirements naming it."""
    needed: dict[str, set[Requirement]] = {}
    todo: list[tuple[str, set[str]]] = [("ctobot", extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        if (name, frozenset(wanted)) in seen:
            continue
        seen.add((name, frozenset(wanted)))
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            environments = [{**default_environment(), "extra": extra} for extra in wanted | {""}]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            key = canonicalize_name(requirement.name)
            needed.setdefault(key, set()).add(requirement)
            todo.append((key, set(requirement.extras)))
    return needed


@pytest.mark.parametrize(("lock", "extras"), [("requirements.txt", set()), ("requirements-test.txt", {"test"})])
def test_the_lock_pins_exactly_what_the_app_needs(lock: str, extras: set[str]):
    pins, others = read_lock(lock)
    assert "-e ." in others, f"{lock} must install the app itself (Heroku installs only the lock)"
    needed = closure(extras)
    assert set(pins) == set(needed), REFRESH
    for name, requirements in needed.items():
        for requirement in requirements:
            assert requirement.specifier.contains(pins[name], prereleases=True), f"{lock}: {requirement}: {REFRESH}"
        # The suite runs in an environment installed from the lock (README's test command, CI).
        assert Version(metadata.version(name)) == pins[name], f"{name} {metadata.version(name)} is installed, " \
            f"{lock} pins {pins[name]}: install from the lock (README, \"The two commands\")"


def test_the_test_lock_keeps_the_runtime_pins():
    runtime, _ = read_lock("requirements.txt")
    test, _ = read_lock("requirements-test.txt")
    assert {name: test[name] for name in runtime} == runtime
    assert set(test) - set(runtime) >= {canonicalize_name(Requirement(r).name) for r in
                                        PROJECT["optional-dependencies"]["test"]}


def test_python_version_is_one_the_project_accepts():
    version = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", version), "Heroku's recommended form: the minor version alone, e.g. 3.11"
    assert SpecifierSet(PROJECT["requires-python"]).contains(f"{version}.0")
