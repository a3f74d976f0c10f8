#!/usr/bin/env bash
# Every user-visible string is translated: lupdate on the current sources into copies of the
# .ts files must leave no unfinished string.   usage: check_translations.sh LUPDATE LRELEASE SRC_ROOT
set -euo pipefail
lupdate=$1; lrelease=$2; root=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
for ts in "$root"/translations/*.ts; do
  cp "$ts" "$work/"
  "$lupdate" -no-obsolete "$root/app/gui" "$root/widgets" -ts "$work/$(basename "$ts")" >/dev/null
  out=$("$lrelease" "$work/$(basename "$ts")" -qm "$work/x.qm")
  if grep -q " 0 unfinished" <<<"$out"; then pass=$((pass+1)); echo "ok   $(basename "$ts"): $(grep Generated <<<"$out")"
  else fail=$((fail+1)); echo "FAIL $(basename "$ts"): $(grep Generated <<<"$out")"; fi
done
echo "translations: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
