#!/usr/bin/env bash
# Installs what the browser tests need on a fresh Debian/Ubuntu machine: Debian's Chromium (driven by
# Playwright through executable_path, no browser download), Hangul fonts and an emoji font.
# Does nothing when /usr/bin/chromium and the Nanum fonts are already there.
#   bash scripts/install-browser.sh
set -euo pipefail

have_fonts() { command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi nanum; }

if [ -x /usr/bin/chromium ] && have_fonts; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser.sh: apt-get not found; install chromium and fonts-nanum yourself (browser tests skip without them)." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"
  else
    echo "install-browser.sh: not root and no sudo; browser tests will be skipped." >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "ohlora setup: installing Debian's chromium, fonts-nanum and an emoji font for the browser tests (about 30 s)" >&2
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-nanum fonts-noto-color-emoji >/dev/null
echo "install-browser.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
