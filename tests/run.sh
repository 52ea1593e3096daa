#!/usr/bin/env bash
# Runs every test: the unit programs (cmocka, TAP output) and the end-to-end cases
# (tests/cases/*.sh, which drive the real touchmine binary and print TAP lines).
# Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export TM_BIN="$PWD/$BUILD/touchmine"
export TM_SHARED="${TM_SHARED:-$PWD/../shared/data}"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
out=tests/out; rm -rf "$out"; mkdir -p "$out"

passed=0; failed=0; skipped=0
count() { # $1 = log file, $2 = exit status, $3 = name
  local p f s
  p=$(grep -cE '^ok ' "$1"); f=$(grep -cE '^not ok ' "$1"); s=$(grep -cE '^ok .*# (SKIP|skip)' "$1")
  p=$((p - s))
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $3 exited with status $2" >> "$1"; fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  grep -E '^not ok|# (SKIP|skip)' "$1" | sed "s|^|  [$3] |"
  [ "$f" -gt 0 ] && { echo "  [$3] log: $1"; tail -n 30 "$1" | sed "s|^|    |"; }
  printf '%-28s %3d passed, %d failed  (%ds)\n' "$3" "$p" "$f" $(( $(date +%s) - started ))
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t"); log="$out/$name.log"; started=$(date +%s)
  "$t" > "$log" 2>&1; count "$log" $? "$name"
done
for c in tests/cases/*.sh; do
  [ -f "$c" ] || continue
  name=$(basename "$c" .sh); log="$out/$name.log"
  [ "$name" = lib ] && continue  # the cases' helpers, not a case
  started=$(date +%s)
  TM_OUT="$out/$name" bash "$c" > "$log" 2>&1; count "$log" $? "$name"
done

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
