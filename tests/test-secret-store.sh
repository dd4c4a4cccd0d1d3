#!/bin/sh
# test-secret-store.sh TEST-PROGRAM [ARGS…]
#
# Runs the KpSecretStore test against a throwaway keyring: a private session bus
# (dbus-run-session) and a gnome-keyring-daemon unlocked with a fixed password, its
# files in a temporary home. The user's own keyring is never reached.
# Exit status: the test's, or 77 (skip) without dbus-run-session or gnome-keyring.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

test_program=$1
shift

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool not found"
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kp-keyring.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
mkdir -m 700 "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"

# Under LeakSanitizer (tools/ci-hardening): libsecret 0.20.5 on GLib 2.74 leaves the
# bodies of D-Bus messages it received behind (allocated by GDBus's worker thread in
# g_dbus_message_new_from_blob; this program makes no D-Bus call of its own but through
# libsecret). The run's suppressions plus that one, for this test only.
supp=$(printf %s "${LSAN_OPTIONS:-}" | tr : '\n' | sed -n 's/^suppressions=//p')
if [ -n "$supp" ]; then
  { cat "$supp"; echo "leak:g_dbus_message_new_from_blob"; } >"$tmp/lsan.supp"
  LSAN_OPTIONS=$(printf %s "$LSAN_OPTIONS" |
    sed "s|^suppressions=[^:]*|suppressions=$tmp/lsan.supp|;s|:suppressions=[^:]*|:suppressions=$tmp/lsan.supp|")
  export LSAN_OPTIONS
fi

export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" KP_TEST_KEYRING=1
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# shellcheck disable=SC2016
# Our warnings are fatal in tests (G_DEBUG); the bus's and the keyring's are not ours.
exec env -u G_DEBUG dbus-run-session -- sh -c '
  printf %s kp-test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec env G_DEBUG="$0" "$@"' "${G_DEBUG:-}" "$test_program" "$@"
