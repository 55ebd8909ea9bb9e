#!/usr/bin/env bash
# Set up everything this machine needs, then start clinic_app on its default local database.
# Extra arguments go to the program, e.g. ./run.sh --demo  or  ./run.sh --db /path/clinic.db
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/clinic-app "$@"
