#!/bin/sh
# test-module-links.sh PROGRAM [MODULE]
#
# KakaoPay's page in the app lives in a module the program loads when it first shows a
# page (src/pos/kp-payment-page-loader.c), libpq is loaded when a shop database is
# first used (src/kakaopay/kp-pq.c), and libsecret when the keyring is first used
# (src/sale/kp-secret-store.c); read here with readelf:
#  1. the program needs no WebKit or JavaScriptCore library, nor libpq or the TLS
#     libraries it brings, nor libsecret or libgcrypt (NEEDED);
#  2. the module does (or it would not be the one that brings them);
#  3. the module defines nothing of the program's own (kp_*) but its entry point: no
#     type of the program (KpCheckout, KpQrPaintable) registered a second time;
#  4. every kp_* symbol the module takes is one the program exports.
# Without MODULE (a build without WebKit), only 1.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

program=${1:?usage: test-module-links.sh PROGRAM [MODULE]}
module=${2:-}

if ! command -v readelf >/dev/null 2>&1; then
  echo "1..0 # SKIP readelf not found"
  exit 0
fi

needed () {
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# The dynamic symbols of $1 whose name starts with kp_: defined ones, or (with "UND")
# undefined ones.
kp_symbols () {
  readelf --dyn-syms -W "$1" |
    awk -v want="$2" '$8 ~ /^kp_/ { sub(/@.*/, "", $8);
                                     if ((want == "UND") == ($7 == "UND")) print $8 }' |
    sort -u
}

if [ -z "$module" ]; then
  echo "1..1"
else
  echo "1..4"
fi

webkit=$(needed "$program" |
         grep -E '^lib(webkitgtk|javascriptcoregtk|pq\.|ssl\.|crypto\.|secret-1\.|gcrypt\.)' || true)
if [ -z "$webkit" ]; then
  echo "ok 1 - $(basename "$program") needs no WebKit library, nor libpq or libsecret"
else
  echo "not ok 1 - $(basename "$program") needs $(echo $webkit)"
  needed "$program" | sed 's/^/# /'
  exit 1
fi
[ -n "$module" ] || exit 0

status=0
if needed "$module" | grep -q '^libwebkitgtk-6\.0\.'; then
  echo "ok 2 - $(basename "$module") needs WebKit"
else
  echo "not ok 2 - $(basename "$module") does not need libwebkitgtk-6.0"
  status=1
fi

defined=$(kp_symbols "$module" DEF)
if [ "$defined" = "kp_payment_page_module_get" ]; then
  echo "ok 3 - the module exports its entry point and nothing of the program's"
else
  echo "not ok 3 - the module defines $(echo $defined)"
  status=1
fi

exported=$(kp_symbols "$program" DEF)
taken=$(kp_symbols "$module" UND)
missing=""
for symbol in $taken; do
  echo "$exported" | grep -qx "$symbol" || missing="$missing $symbol"
done
if [ -z "$taken" ]; then
  echo "not ok 4 - the module takes nothing of the program's (KpCheckout?)"
  status=1
elif [ -z "$missing" ]; then
  echo "ok 4 - the program exports all that the module takes:" $taken
else
  echo "not ok 4 - the program does not export:$missing"
  status=1
fi
exit $status
