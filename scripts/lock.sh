#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml: requirements.lock (what ./run installs) and
# requirements-test.lock (what ./test and CI install). The test lock is resolved first and
# the run lock is held to it, so a package has the same version in both. Upgrading is a
# deliberate commit of both files after ./test passed on them.
set -euo pipefail
cd "$(dirname "$0")/.."
compile=(.venv/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-find-links
         --no-emit-index-url --no-header --upgrade)
"${compile[@]}" --extra test -o requirements-test.lock pyproject.toml
"${compile[@]}" -c requirements-test.lock -o requirements.lock pyproject.toml
