# Sourced by ./run and ./test: a virtual environment with qms-crm installed, translations
# compiled. Re-running installs only what changed.
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${QMS_EXTRAS:-}"
.venv/bin/pybabel compile --statistics -d app/translations >/dev/null
