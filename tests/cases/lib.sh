# lib.sh — helpers for end-to-end cases: each assertion prints one TAP line.
# Cases run from the repository root with $TM_BIN (the touchmine binary),
# $TM_OUT (a fresh scratch folder) and $TM_SHARED (../shared/data, maybe absent).
set -u
mkdir -p "$TM_OUT"
tm() { "$TM_BIN" "$@"; }
ok()   { echo "ok - $*"; }
nok()  { echo "not ok - $*"; }
skip() { echo "ok - $* # SKIP"; }
# check DESC CMD...: passes when CMD exits 0
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# eq DESC GOT WANT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1 (got '$2', want '$3')"; fi; }
# ge DESC GOT MIN (numbers, may be real)
ge() { if awk -v a="$2" -v b="$3" 'BEGIN{exit !(a+0 >= b+0)}'; then ok "$1 ($2 >= $3)"; else nok "$1 (got $2, want >= $3)"; fi; }
le() { if awk -v a="$2" -v b="$3" 'BEGIN{exit !(a+0 <= b+0)}'; then ok "$1 ($2 <= $3)"; else nok "$1 (got $2, want <= $3)"; fi; }

have_shared() { [ -d "$TM_SHARED/$1" ]; }
