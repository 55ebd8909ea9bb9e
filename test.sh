#!/usr/bin/env bash
# Set up everything this machine needs, then run every test (offscreen Qt).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
