#!/bin/sh
# test-install.sh MESON BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID SCHEMA_ID VERSION
#                 LIBDIR PAGE_MODULE
#
# Installs the build into a temporary DESTDIR (meson install --no-rebuild) and checks
# the installed tree on its own, with nothing from the build or source tree:
#  - the programs, the desktop entry, the AppStream metadata, the icons, the settings
#    schema and the Korean catalog are where a desktop looks for them;
#  - the desktop entry's program and icon, and every program the metadata provides,
#    are installed;
#  - the installed kakaopay-pos prints its version, exports an empty journal as CSV
#    with the header of DESIGN.md (no display), and speaks Korean from the installed
#    catalog;
#  - with PAGE_MODULE (the payment page module's file name; "" in a build without
#    WebKit), the module is installed in LIBDIR/kakaopay-pos, the installed program finds
#    it there (--help offers --qr-target page) and exports what it takes
#    (test-module-links.sh), and without it the program still starts and offers no page.
# Exit status: 0 pass, 1 fail, 77 skip.

set -u

meson=$1 build=$2 prefix=$3 bindir=$4 datadir=$5 localedir=$6
app_id=$7 schema_id=$8 version=$9 libdir=${10} page_module=${11}
here=$(cd "$(dirname "$0")" && pwd)

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# An option given relative to the prefix, or absolute.
under_prefix () {
  case $1 in
    /*) echo "$1" ;;
    *) echo "$prefix/$1" ;;
  esac
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-install.XXXXXX") || fail "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

dest=$tmp/dest
if ! "$meson" install -C "$build" --no-rebuild --quiet --destdir "$dest" \
       >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  fail "meson install failed"
fi

bin=$dest$(under_prefix "$bindir")
share=$dest$(under_prefix "$datadir")
locale=$dest$(under_prefix "$localedir")
pos=$bin/kakaopay-pos

# -- the files --

for file in \
  "$bin/kakaopay-pos" \
  "$bin/kakaopay-sandbox" \
  "$share/applications/$app_id.desktop" \
  "$share/metainfo/$app_id.metainfo.xml" \
  "$share/icons/hicolor/scalable/apps/$app_id.svg" \
  "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
  "$share/glib-2.0/schemas/$schema_id.gschema.xml" \
  "$locale/ko/LC_MESSAGES/kakaopay-pos.mo"
do
  [ -s "$file" ] || fail "not installed: ${file#"$dest"}"
done
[ -x "$pos" ] || fail "${pos#"$dest"} is not executable"

desktop=$share/applications/$app_id.desktop
exec_program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ -x "$bin/$exec_program" ] || fail "the desktop entry runs '$exec_program', which is not installed"
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ "$icon" = "$app_id" ] || fail "the desktop entry's icon is '$icon', not '$app_id'"
grep -q '^Name\[ko\]=' "$desktop" || fail "the desktop entry has no Korean name"

metainfo=$share/metainfo/$app_id.metainfo.xml
grep -q "<id>$app_id</id>" "$metainfo" || fail "the metadata's id is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
  fail "the metadata does not launch $app_id.desktop"
provided=$(sed -n 's/.*<binary>\(.*\)<\/binary>.*/\1/p' "$metainfo")
[ -n "$provided" ] || fail "the metadata provides no programs"
for program in $provided; do
  [ -x "$bin/$program" ] || fail "the metadata provides '$program', which is not installed"
done

# -- the installed program, from the installed files alone --

for tool in glib-compile-schemas; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done

schemas=$share/glib-2.0/schemas
mkdir -p "$tmp/home" "$tmp/run" "$tmp/no-data" && chmod 700 "$tmp/run"
# Nothing of the caller's environment but how to load libraries and sanitizer settings.
keep=
for name in LD_LIBRARY_PATH ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS G_SLICE; do
  eval "value=\${$name-}"
  [ -z "$value" ] || keep="$keep $name=$value"
done
run () {
  # shellcheck disable=SC2086
  env -i PATH=/usr/bin:/bin $keep \
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/config" XDG_DATA_HOME="$tmp/home/data" \
    XDG_CACHE_HOME="$tmp/home/cache" \
    XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_DIRS="$tmp/no-data" GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$schemas" GIO_USE_VFS=local GIO_USE_PROXY_RESOLVER=dummy \
    KAKAOPAY_POS_LOCALEDIR="$locale" "$@"
}

# Before the schemas are compiled (a DESTDIR install, a packager's build chroot):
# --version and --help work, and a real start says what is missing instead of aborting.
[ ! -e "$schemas/gschemas.compiled" ] || fail "the install compiled the schemas into DESTDIR"
out=$(run LC_ALL=C.UTF-8 "$pos" --version 2>"$tmp/stderr") ||
  { cat "$tmp/stderr" >&2; fail "kakaopay-pos --version failed without compiled schemas"; }
[ "$out" = "kakaopay-pos $version" ] || fail "--version printed '$out' without compiled schemas"
run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --help >"$tmp/stdout" 2>"$tmp/stderr" ||
  { cat "$tmp/stderr" >&2; fail "kakaopay-pos --help failed without compiled schemas"; }
grep -q -- '--export-journal' "$tmp/stdout" || fail "--help lists no options without compiled schemas"
run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --journal "$tmp/j0.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/stderr" >&2; fail "a start without the schema exited $rc, not 1"; }
[ "$(wc -l <"$tmp/stderr")" -eq 1 ] || { cat "$tmp/stderr" >&2; fail "not one sentence on stderr"; }
grep -q "schema $schema_id is not installed" "$tmp/stderr" ||
  { cat "$tmp/stderr" >&2; fail "a start without the schema did not say the schema is missing"; }
grep -q "GSETTINGS_SCHEMA_DIR" "$tmp/stderr" || fail "the message does not say how to run from a build"
run LC_ALL=C.UTF-8 LANGUAGE=ko "$pos" --journal "$tmp/j0.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
! grep -q "is not installed" "$tmp/stderr" || fail "the missing-schema sentence is not translated"

# What a package's post-install step does.
glib-compile-schemas --strict "$schemas" || fail "the installed schemas do not compile"

out=$(run LC_ALL=C.UTF-8 "$pos" --version 2>"$tmp/stderr") ||
  { cat "$tmp/stderr" >&2; fail "kakaopay-pos --version failed"; }
[ "$out" = "kakaopay-pos $version" ] || fail "--version printed '$out'"

if ! run LC_ALL=C.UTF-8 "$pos" --export-journal "$tmp/out.csv" --journal "$tmp/j.sqlite" \
       >"$tmp/stdout" 2>"$tmp/stderr"; then
  cat "$tmp/stdout" "$tmp/stderr" >&2
  fail "kakaopay-pos --export-journal did not exit 0"
fi
header=partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount
header=$header,vat_amount,payment_method_type,created_at,approved_at,refunded_amount
[ -f "$tmp/out.csv" ] || fail "--export-journal wrote no file"
first=$(head -n 1 "$tmp/out.csv" | tr -d '\r')
[ "$first" = "$header" ] || fail "the CSV header is '$first'"
[ "$(wc -l <"$tmp/out.csv")" -eq 1 ] || fail "an empty journal exported more than the header"

# The Korean catalog, as installed: the option descriptions of --help.
help_en=$(run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --help 2>&1) || fail "kakaopay-pos --help failed"
help_ko=$(run LC_ALL=C.UTF-8 LANGUAGE=ko "$pos" --help 2>&1) || fail "kakaopay-pos --help failed"
case $help_en in
  *"Show the version and exit"*) ;;
  *) fail "--help in English does not describe --version" ;;
esac
case $help_ko in
  *"Show the version and exit"*)
    fail "--help in Korean is in English: the installed catalog is not used" ;;
esac
[ "$help_ko" != "$help_en" ] || fail "--help reads the same in Korean"

# KakaoPay's page in the app: a module beside the program's libraries, found from where
# the program is (here, inside the DESTDIR).
if [ -n "$page_module" ]; then
  module=$dest$(under_prefix "$libdir")/kakaopay-pos/$page_module
  [ -s "$module" ] || fail "not installed: ${module#"$dest"}"
  sh "$here/test-module-links.sh" "$pos" "$module" >"$tmp/links" 2>&1 ||
    { cat "$tmp/links" >&2; fail "the installed program and its page module do not fit"; }
  run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --help >"$tmp/stdout" 2>&1 || fail "--help failed"
  grep -q -- '--qr-target=pc|mobile|page' "$tmp/stdout" ||
    { cat "$tmp/stdout" >&2; fail "the installed program does not find its page module"; }
  mv "$module" "$tmp/module.so"
  run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --help >"$tmp/stdout" 2>&1 ||
    fail "--help failed without the page module"
  grep -q -- '--qr-target=pc|mobile ' "$tmp/stdout" ||
    { cat "$tmp/stdout" >&2; fail "without its page module, the program still offers the page"; }
  run LC_ALL=C.UTF-8 LANGUAGE=en "$pos" --qr-target page --export-journal "$tmp/out2.csv" \
    --journal "$tmp/j.sqlite" >"$tmp/stdout" 2>"$tmp/stderr" ||
    { cat "$tmp/stderr" >&2; fail "--qr-target page without the page module did not exit 0"; }
  grep -q "payment page cannot be shown in this app: its module $page_module is not installed" \
    "$tmp/stderr" || { cat "$tmp/stderr" >&2; fail "--qr-target page without the module: no word"; }
  mv "$tmp/module.so" "$module"
fi

echo "PASS: installed into a DESTDIR; the installed kakaopay-pos $version runs from it alone"
exit 0
