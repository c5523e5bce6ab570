#!/usr/bin/env bash
# The headless-Chromium driver the web admin's browser tests use (tests/web/cdp.mjs), checked on
# this machine against pages served on loopback: it must see a form submitted, a script that ran,
# a script the Content-Security-Policy stopped, and write a real PNG. Prints TAP.
# Needs Debian's chromium (make test installs it) and Node.js 20.10 or later (WebSocket).
set -u
cd "$(dirname "$0")/../.." || exit 2
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' 2>/dev/null; then
    echo "not ok 1 - Node.js 20.10 or later is needed for the browser driver (found: $(node --version 2>&1 | head -1))"
    echo "1..1"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-browser-XXXXXX")
trap 'pkill -f -- "--user-data-dir=$tmp/" 2>/dev/null; rm -rf "$tmp"' EXIT
node --experimental-websocket --no-warnings tests/web/cdp_selftest.mjs "$tmp/profile"
