#!/usr/bin/env bash
# Runs the cloister_client tests in clients/python/.venv (made or refreshed here when
# pyproject.toml changed): mypy --strict over the package and tests, then pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -x .venv/bin/python || ! -f .venv/.installed || pyproject.toml -nt .venv/.installed ]]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    touch .venv/.installed
fi

.venv/bin/python -m mypy
.venv/bin/python -m pytest -q tests
