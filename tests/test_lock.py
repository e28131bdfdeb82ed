"""Dependencies are locked: a fresh machine installs exactly the set CI tested."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            package, pinned = line.split("==", 1)
            pins[canonicalize_name(package.strip())] = pinned.split()[0]
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(each) for each in declared]


@pytest.mark.parametrize(
    "lock, extra", [("requirements.lock", None), ("requirements-test.lock", "test")]
)
def test_every_dependency_is_pinned_within_its_declared_range(lock, extra):
    """Each package pyproject.toml asks for has an exact version in the lock file, and
    that version satisfies the declared range (rq 2.x, not 3)."""
    pins = _pins(lock)
    for requirement in _declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_both_locks_agree_and_the_installed_set_is_the_locked_one():
    """A package has the same version in both locks, and this environment runs exactly the
    versions of the test lock (./test installs from it)."""
    run, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {name: test[name] for name in run} == run
    installed = {}
    for name in test:
        try:
            installed[name] = version(name)
        except PackageNotFoundError:
            installed[name] = None
    assert installed == test
