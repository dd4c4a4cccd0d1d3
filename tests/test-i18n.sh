#!/bin/sh
# test-i18n.sh SRCDIR
#
# Checks the Korean translation against the sources:
#  (a) every message of a template freshly extracted from po/POTFILES.in has a
#      non-empty, non-fuzzy translation in po/ko.po;
#  (b) po/ko.po passes msgfmt --check;
#  (c) every file under src/ and data/ with translatable strings is listed in
#      po/POTFILES.in.
# Exit status: 0 pass, 1 fail, 77 skip (gettext tools missing).

srcdir=${1:-.}
po=po/ko.po

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

if ! cd "$srcdir" 2>/dev/null; then
  fail "cannot enter the source directory '$srcdir'"
fi
[ -f po/POTFILES.in ] || fail "$srcdir/po/POTFILES.in not found"
[ -f "$po" ] || fail "$srcdir/$po not found"

for tool in xgettext msgmerge msgattrib msgfmt; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (install gettext)"
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-i18n.XXXXXX") || fail "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# (a) A fresh template, merged into a copy of the translation.
if ! xgettext --from-code=UTF-8 --add-comments=Translators \
       --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
       --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
       --files-from=po/POTFILES.in --directory=. \
       --output="$tmp/template.pot" 2>"$tmp/xgettext.log"; then
  cat "$tmp/xgettext.log" >&2
  fail "xgettext could not extract the strings listed in po/POTFILES.in"
fi
[ -s "$tmp/template.pot" ] || fail "xgettext found no translatable strings"

cp "$po" "$tmp/ko.po" || fail "cannot copy $po"
if ! msgmerge --quiet --update --no-fuzzy-matching --backup=none \
       "$tmp/ko.po" "$tmp/template.pot" 2>"$tmp/msgmerge.log"; then
  cat "$tmp/msgmerge.log" >&2
  fail "msgmerge could not merge the fresh template into $po"
fi

msgattrib --no-obsolete --untranslated -o "$tmp/untranslated.po" "$tmp/ko.po" ||
  fail "msgattrib --untranslated failed"
msgattrib --no-obsolete --only-fuzzy -o "$tmp/fuzzy.po" "$tmp/ko.po" ||
  fail "msgattrib --only-fuzzy failed"

# Prints the msgctxt and msgid of every entry of a PO file but the header.
# (msgattrib writes no file at all when nothing matches.)
list_messages () {
  [ -f "$1" ] || return 0
  awk 'BEGIN { RS = "" }
       /(^|\n)msgid ""\nmsgstr/ { next }
       { n = split ($0, line, "\n"); show = 0
         for (i = 1; i <= n; i++) {
           if (line[i] ~ /^(msgctxt|msgid) /) show = 1
           else if (line[i] ~ /^(msgid_plural|msgstr)/) show = 0
           if (show) print "  " line[i]
         }
       }' "$1"
}

bad=0
if [ -n "$(list_messages "$tmp/untranslated.po")" ]; then
  echo "Untranslated in $po (update it from the sources):" >&2
  list_messages "$tmp/untranslated.po" >&2
  bad=1
fi
if [ -n "$(list_messages "$tmp/fuzzy.po")" ]; then
  echo "Fuzzy in $po:" >&2
  list_messages "$tmp/fuzzy.po" >&2
  bad=1
fi
[ $bad -eq 0 ] || fail "$po is not complete for the current sources"

# (b) The translation itself is valid (formats, plurals, header).
if ! msgfmt --check -o "$tmp/ko.mo" "$po" 2>"$tmp/msgfmt.log"; then
  cat "$tmp/msgfmt.log" >&2
  fail "msgfmt --check reports errors in $po"
fi

# (c) Every file with translatable strings is in POTFILES.in.
listed="$tmp/potfiles"
sed -e 's/#.*//' -e 's/^[ 	]*//' -e 's/[ 	]*$//' -e '/^$/d' -e '/^\[/d' \
  po/POTFILES.in >"$listed"

candidates=$(
  {
    grep -rIlE '(^|[^A-Za-z0-9_])(N|C|NC)?_ ?\(|ngettext ?\(|translatable="yes"' src data 2>/dev/null
    grep -rIlE '<summary|<description' data 2>/dev/null | grep '\.gschema\.xml$'
  } | sort -u
)

missing=
for file in $candidates; do
  grep -Fqx "$file" "$listed" || missing="$missing $file"
done
[ -z "$missing" ] || fail "not listed in po/POTFILES.in:$missing"

echo "PASS: $po translates all $(($(grep -c '^msgid ' "$tmp/template.pot") - 1)) messages of the sources"
exit 0
