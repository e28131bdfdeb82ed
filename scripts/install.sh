# Sourced by ./run and ./test: a virtual environment with exactly the locked packages (what
# CI tested: requirements.lock, or requirements-test.lock with QMS_EXTRAS="[test]") and
# qms-crm itself, translations compiled. Re-running installs only what changed.
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
lock=requirements.lock
[ "${QMS_EXTRAS:-}" = "[test]" ] && lock=requirements-test.lock
.venv/bin/python -m pip install --quiet "pip==$(sed -n 's/^pip==//p' requirements-test.lock)"
.venv/bin/python -m pip install --quiet -r "$lock"
# The project alone: its dependencies are the locked ones, and its build backend too.
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
.venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; exit 1; }
.venv/bin/pybabel compile --statistics -d app/translations >/dev/null
