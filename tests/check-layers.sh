#!/bin/sh
# The layers below the window never reach up: nothing under src/sale/ or lower includes
# GTK, GDK, libadwaita or WebKit, nor a header of src/pos/.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

top=${1:?usage: check-layers.sh SOURCE-ROOT}
lower="sale journal approval kakaopay sandbox relay"
status=0
echo "1..2"

found=""
for dir in $lower; do
  hits=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(gtk|gdk|adwaita|webkit)' \
         "$top/src/$dir"/*.[ch] || true)
  [ -n "$hits" ] && found="$found$hits
"
done
if [ -n "$found" ]; then
  echo "not ok 1 - a toolkit header below src/pos/"
  printf '%s' "$found" | sed 's/^/# /'
  status=1
else
  echo "ok 1 - no toolkit header below src/pos/"
fi

found=""
for header in "$top"/src/pos/*.h; do
  name=$(basename "$header")
  for dir in $lower; do
    hits=$(grep -nF "#include \"$name\"" "$top/src/$dir"/*.[ch] || true)
    [ -n "$hits" ] && found="$found$hits
"
  done
done
if [ -n "$found" ]; then
  echo "not ok 2 - a header of src/pos/ included below it"
  printf '%s' "$found" | sed 's/^/# /'
  status=1
else
  echo "ok 2 - nothing below src/pos/ includes its headers"
fi
exit $status
