#!/usr/bin/env bash
# Create the virtual environment and install cxkpi with its dev extra. Uses uv when it can (seconds),
# falls back to the standard venv + pip (a minute) when uv cannot be installed. requirements.lock pins
# every transitive package to the versions tested together (regenerate: make lock).
set -euo pipefail
VENV="${1:-.venv}"
PYTHON="${PYTHON:-python3}"
if ! command -v uv >/dev/null 2>&1; then
  "$PYTHON" -m pip install -q "uv==0.13.8" >/dev/null 2>&1 || true
fi
if command -v uv >/dev/null 2>&1; then
  [ -x "$VENV/bin/python" ] || uv venv -q "$VENV" -p "$PYTHON"
  uv pip install -q -p "$VENV/bin/python" -c requirements.lock -e '.[dev]'
else
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q -c requirements.lock -e '.[dev]'
fi
