#!/usr/bin/env bash
# `npm test` runs this first (pretest): the dashboard tests drive Debian's chromium with
# playwright-core, and are never skipped. As root it installs the package when it is missing;
# otherwise it says exactly what to run. EARSHOT_CHROMIUM points at another Chromium binary.
set -euo pipefail
browser="${EARSHOT_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0

if [ -n "${EARSHOT_CHROMIUM:-}" ]; then
  echo "pretest: EARSHOT_CHROMIUM=$browser is not an executable file." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "pretest: the dashboard tests need Debian's chromium, which is not installed." >&2
  echo "  Run: sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "  (or set EARSHOT_CHROMIUM to a Chromium binary), then npm test again." >&2
  exit 1
fi
echo "pretest: installing Debian's chromium for the dashboard tests (once)…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "pretest: chromium installed at $(command -v chromium)"
