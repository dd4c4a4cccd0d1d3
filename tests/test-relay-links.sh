#!/bin/sh
# test-relay-links.sh RELAY
#
# kakaopay-relay faces the internet and serves on libwebsockets: read with readelf, it
# needs no libsoup (and so none of what libsoup brings: nghttp2, libpsl, brotli,
# SQLite), no GTK, and no libpq (loaded when a configuration names a database, with
# the TLS, Kerberos and LDAP libraries it brings).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

relay=${1:?usage: test-relay-links.sh RELAY}

if ! command -v readelf >/dev/null 2>&1; then
  echo "1..0 # SKIP readelf not found"
  exit 0
fi

echo "1..1"
needed=$(readelf -d "$relay" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
extra=$(echo "$needed" | grep -E '^lib(soup|gtk|adwaita|sqlite3|pq\.|ssl\.|ldap)' || true)
if [ -z "$extra" ] && echo "$needed" | grep -q '^libwebsockets\.'; then
  echo "ok 1 - $(basename "$relay") needs libwebsockets, and no libsoup, GTK or libpq"
else
  echo "not ok 1 - $(basename "$relay") needs: $(echo $needed)"
  exit 1
fi
