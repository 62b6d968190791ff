#!/usr/bin/env bash
# Debian's Chromium for the Playwright browser tests (Playwright's own download is not reachable).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is missing: install it (apt-get install chromium) to run the browser tests" >&2
  exit 1
fi
