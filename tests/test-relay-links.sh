#!/bin/sh
# test-relay-links.sh RELAY
#
# kakaopay-relay faces the internet and serves on libwebsockets: read with readelf, it
# needs no libsoup (and so none of what libsoup brings: nghttp2, libpsl, brotli,
# SQLite), and no GTK.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

relay=${1:?usage: test-relay-links.sh RELAY}

if ! command -v readelf >/dev/null 2>&1; then
  echo "1..0 # SKIP readelf not found"
  exit 0
fi

echo "1..1"
needed=$(readelf -d "$relay" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
extra=$(echo "$needed" | grep -E '^lib(soup|gtk|adwaita|sqlite3)' || true)
if [ -z "$extra" ] && echo "$needed" | grep -q '^libwebsockets\.'; then
  echo "ok 1 - $(basename "$relay") needs libwebsockets and no libsoup or GTK"
else
  echo "not ok 1 - $(basename "$relay") needs: $(echo $needed)"
  exit 1
fi
