#!/usr/bin/env bash
# While there is no release, the schema is one initial migration: regenerate it from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
DATABASE_URL="sqlite:///$tmp/regen.sqlite" FLASK_APP=wsgi.py .venv/bin/flask db migrate -m "initial schema" >/dev/null 2>&1
rm -rf "$tmp"
ls migrations/versions/
