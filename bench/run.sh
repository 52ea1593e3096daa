#!/usr/bin/env bash
# bench/run.sh — touchmine's benchmarks against its peers, in one run
# (docs/benchmarks.md; DESIGN.md §7). For each size it synthesises exports,
# then times: synth; ingest end to end; ingest of the CSV files against
# `sqlite3 .import` of the same files; the dataset load cold and warm, its
# memory and the summary (bench/bench_dataset.c); the summary CLI; and the
# same summary computed from the raw exports by DuckDB (node) and pandas.
# It prints one table per size and writes the raw figures to
# OUT/results-<size>.json. A benchmark, not a test: no time is ever judged
# by the exit status.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--events 1M|10M|N] [--out DIR] [--skip-peers] [--keep]

Times touchmine (synth, ingest, dataset load, summary) and its peers
(sqlite3 .import, DuckDB through @duckdb/node-api, pandas) on the same
synthetic exports, and prints one table per size with the aims next to them.

Options:
  --events SIZE   events to synthesise: 1M, 10M, 250k or a number; repeat or
                  separate with commas for several (default: 1M then 10M)
  --out DIR       results and scratch space (default bench/out): writes
                  DIR/results-<size>.json; scratch DIR/work-<size> is deleted
                  after each size unless --keep
  --skip-peers    time touchmine and sqlite3 only, not DuckDB nor pandas
  --keep          keep each size's exports and warehouses (needs the disk)
  -h, --help      this help

Environment: BIN (default build/touchmine), REPS (timed repetitions; default
3 below 5M events, 1 from 5M up; medians are reported), SEED (default 42),
TM_BENCH_NO_INSTALL=1 (never install peers; skip the missing ones).

Example:
  make bench                                   # builds, then bench/run.sh
  BIN=build/touchmine bench/run.sh --events 1M --out /tmp/bench
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"

BIN=${BIN:-build/touchmine}
SEED=${SEED:-42}
out=bench/out
skip_peers=0
keep=0
sizes=()

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# 1M -> 1000000, 250k -> 250000, 1e6 is not accepted (say what you mean).
parse_size() {
  local s=${1,,} n m=1
  case $s in
    *k) n=${s%k}; m=1000 ;;
    *m) n=${s%m}; m=1000000 ;;
    *) n=$s ;;
  esac
  [[ $n =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad size '$1' (1M, 10M, 250k or a number)"
  awk -v n="$n" -v m="$m" 'BEGIN { v = int(n * m + 0.5); if (v < 1000) exit 1; printf "%d\n", v }' \
    || die "size '$1' is too small (at least 1000 events)"
}

while [ $# -gt 0 ]; do
  case $1 in
    --events) [ $# -ge 2 ] || die "--events needs a size"; IFS=, read -ra parts <<<"$2"
              for p in "${parts[@]}"; do sizes+=("$p"); done; shift 2 ;;
    --events=*) IFS=, read -ra parts <<<"${1#*=}"; for p in "${parts[@]}"; do sizes+=("$p"); done; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --skip-peers) skip_peers=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1M 10M)

[ -x "$BIN" ] || die "no executable $BIN: build it first (make -j2 build/touchmine) or set BIN"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
LIB=$(dirname "$BIN")/libtouchmine.a
[ -f "$LIB" ] || die "no $LIB beside $BIN: build the library first (make)"
for tool in sqlite3 python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is needed (scripts/install-deps.sh installs it)"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

# ------------------------------------------------------------------ helpers

now_ns() { date +%s%N; }
have_gnu_time=0
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && have_gnu_time=1

# timed STAGE REP STDOUT_FILE CMD...: runs CMD with stdout to STDOUT_FILE and
# stderr to STDOUT_FILE.err, appends {"stage","rep","wall","rss_kb","file"} to
# $meas. Returns CMD's status (and shows its stderr when it failed).
timed() {
  local stage=$1 rep=$2 file=$3; shift 3
  local tf="$file.time" t0 t1 rc=0 rss=null
  t0=$(now_ns)
  if [ $have_gnu_time = 1 ]; then
    /usr/bin/time -f %M -o "$tf" "$@" >"$file" 2>"$file.err" || rc=$?
  else
    "$@" >"$file" 2>"$file.err" || rc=$?
  fi
  t1=$(now_ns)
  if [ $rc -ne 0 ]; then
    note "$stage failed (exit $rc): $*"
    tail -n 5 "$file.err" >&2 || true
    return $rc
  fi
  [ -s "$tf" ] && rss=$(tail -n 1 "$tf" | tr -dc 0-9) && [ -n "$rss" ] || rss=null
  printf '{"stage": "%s", "rep": %d, "wall": %s, "rss_kb": %s, "file": "%s"}\n' \
    "$stage" "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')" \
    "$rss" "$file" >>"$meas"
  printf '  %-22s rep %d  %8.2f s\n' "$stage" "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')"
}

# record KEY JSON_VALUE: a fact for the report.
record() { printf '{"fact": "%s", "value": %s}\n' "$1" "$2" >>"$meas"; }

free_kb() { df -Pk "$1" | awk 'NR == 2 { print $4 }'; }

# ------------------------------------------------------------------- peers

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else return 1
  fi
}

have_pandas() { /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1; }
have_duckdb() { [ -f "$here/node_modules/@duckdb/node-api/package.json" ]; }

peers_ok_duckdb=0
peers_ok_pandas=0
setup_peers() {
  [ $skip_peers = 0 ] || { note "--skip-peers: DuckDB and pandas not run"; return 0; }
  local no_install=${TM_BENCH_NO_INSTALL:-0}
  if { ! have_pandas || ! command -v node >/dev/null || ! command -v npm >/dev/null; } && [ "$no_install" != 1 ]; then
    note "installing the benchmark peers' Debian packages (TM_BENCH_DEPS=1 scripts/install-deps.sh)"
    if ! TM_BENCH_DEPS=1 scripts/install-deps.sh >&2; then
      note "scripts/install-deps.sh failed; trying the missing peers' packages one by one"
      have_pandas || run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pandas >&2 || true
      command -v node >/dev/null || run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs >&2 || true
      command -v npm >/dev/null || run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >&2 || true
    fi
  fi
  if have_pandas; then peers_ok_pandas=1
  else note "pandas is not installed for /usr/bin/python3 (python3-pandas): pandas skipped"; fi

  if ! command -v node >/dev/null; then
    note "node is not installed (nodejs): DuckDB skipped"
  else
    if ! have_duckdb && [ "$no_install" != 1 ] && command -v npm >/dev/null; then
      note "installing @duckdb/node-api into bench/node_modules (npm install --prefix bench)"
      npm install --prefix "$here" --no-package-lock --no-audit --no-fund --loglevel=error >&2 \
        || note "npm install of @duckdb/node-api failed"
    fi
    if have_duckdb && node -e "require('$here/node_modules/@duckdb/node-api')" >/dev/null 2>&1; then
      peers_ok_duckdb=1
    else
      note "@duckdb/node-api is not installed in bench/node_modules (or does not load): DuckDB skipped"
    fi
  fi
}

# ---------------------------------------------------------- bench_dataset

build_bench_dataset() {
  local exe="$out/bench_dataset" flags
  flags=$(pkg-config --cflags --libs sqlite3 zlib libzstd inih jansson libsodium libxxhash) \
    || die "pkg-config cannot find the libraries (scripts/install-deps.sh installs them)"
  note "building $exe"
  # shellcheck disable=SC2086 # $flags is a list of compiler flags
  ${CC:-cc} -std=c11 -O2 -Iinclude "$here/bench_dataset.c" "$LIB" \
    $flags -fopenmp -lm -lpthread -o "$exe" \
    || die "cannot build bench/bench_dataset.c against $LIB"
}

# -------------------------------------------------------------- one size

median_reps() { # events -> repetitions
  if [ -n "${REPS:-}" ]; then echo "$REPS"; elif [ "$1" -lt 5000000 ]; then echo 3; else echo 1; fi
}

run_size() {
  local label=$1 target work data reps need_kb avail_kb
  target=$(parse_size "$label")
  label=${label^^}
  work="$out/work-$label"
  reps=$(median_reps "$target")

  echo
  echo "== $label events (target $target; $reps timed repetition(s) per stage, medians reported)"
  need_kb=$(awk -v e="$target" 'BEGIN { printf "%d", e / 1e6 * 2 * 1024 * 1024 }') # 2 GB per million events
  avail_kb=$(free_kb "$out")
  if [ "$avail_kb" -lt "$need_kb" ]; then
    note "skipping $label: $((avail_kb / 1024 / 1024)) GB free in $out, $((need_kb / 1024 / 1024)) GB wanted (exports, warehouses and the sqlite3 import)"
    return 0
  fi
  rm -rf "$work"
  mkdir -p "$work/m"
  meas="$work/measurements.jsonl"
  : >"$meas"
  data="$work/data"

  # Calibrate people -> events from what synth prints ("(83.2 per person)").
  local per cust
  "$BIN" synth --customers 10000 --days 365 --seed "$SEED" --out "$work/calib" >"$work/m/calib.txt" 2>&1 \
    || { cat "$work/m/calib.txt" >&2; die "synth failed"; }
  per=$(sed -n 's/.*(\([0-9.]*\) per person).*/\1/p' "$work/m/calib.txt" | head -n 1)
  rm -rf "$work/calib"
  [ -n "$per" ] || die "cannot read events per person from synth's output ($work/m/calib.txt)"
  cust=$(awk -v t="$target" -v p="$per" 'BEGIN { printf "%d", t / p + 0.5 }')
  echo "  synth: $per events per person -> $cust people"
  record size "\"$label\""
  record commit "\"$commit\""
  record seed "$SEED"
  record reps "$reps"
  record target_events "$target"
  record people "$cust"
  record events_per_person "$per"

  timed synth 1 "$work/m/synth.txt" "$BIN" synth --customers "$cust" --days 365 --seed "$SEED" --out "$data" || die "synth failed"
  record export_bytes "$(du -sb --exclude=truth.json --exclude='*.ini' "$data" | cut -f1)"

  # --- ingest, every file
  local r db="$work/tm.db"
  for ((r = 1; r <= reps; r++)); do
    rm -f "$db" "$db-wal" "$db-shm"
    sync
    timed ingest "$r" "$work/m/ingest-$r.json" "$BIN" ingest --db "$db" --config "$data/touchmine.ini" --format json \
      || die "ingest failed"
  done
  record warehouse_bytes "$(stat -c %s "$db")"

  # --- summary CLI: cold (builds and saves the snapshot), then warm
  timed summary_cli_cold 1 "$work/m/summary-cold.json" "$BIN" summary --db "$db" --format json || die "summary failed"
  for ((r = 1; r <= reps; r++)); do
    timed summary_cli_warm "$r" "$work/m/summary-warm-$r.json" "$BIN" summary --db "$db" --format json || die "summary failed"
  done
  if cmp -s "$work/m/summary-cold.json" "$work/m/summary-warm-1.json"; then record summary_cli_cold_equals_warm true
  else record summary_cli_cold_equals_warm false; note "WARNING: the cold and warm 'touchmine summary' outputs differ"; fi

  # --- dataset load cold / warm, memory, summary (in process)
  for ((r = 1; r <= reps; r++)); do
    timed bench_dataset "$r" "$work/m/dataset-$r.json" "$out/bench_dataset" --summary-out "$work/m/summary-lib-$r.json" "$db" \
      || die "bench_dataset failed"
    sed 's/^/    /' "$work/m/dataset-$r.json"
  done
  if cmp -s "$work/m/summary-lib-1.json" "$work/m/summary-cold.json"; then record summary_lib_equals_cli true
  else record summary_lib_equals_cli false; note "WARNING: bench_dataset's summary differs from 'touchmine summary --format json'"; fi

  # --- CSV files only: touchmine ingest vs sqlite3 .import
  awk '/^\[/ { skip = ($0 ~ /^\[source[ \t]+web\]/) } !skip' "$data/touchmine.ini" >"$data/touchmine-csv.ini"
  local csvdb="$work/tm-csv.db" impdb="$work/import.db" f t sep sql="$work/import.sql"
  for ((r = 1; r <= reps; r++)); do
    rm -f "$csvdb" "$csvdb-wal" "$csvdb-shm"
    sync
    timed ingest_csv "$r" "$work/m/ingest-csv-$r.json" "$BIN" ingest --db "$csvdb" --config "$data/touchmine-csv.ini" --format json \
      || die "ingest (CSV only) failed"
  done
  rm -f "$csvdb" "$csvdb-wal" "$csvdb-shm"
  {
    echo "PRAGMA journal_mode = WAL;"
    echo ".mode csv"
    for f in "$data"/*.csv; do
      t=$(basename "$f" .csv)
      t=${t//[^A-Za-z0-9_]/_}
      # the delimiter of the header line: ';' for synth's feedback.csv, else ','
      sep=,
      head -n 1 "$f" | grep -q ';' && ! head -n 1 "$f" | grep -q ',' && sep=';'
      echo ".separator \"$sep\""
      echo ".import '${f//\'/\'\'}' $t"
    done
  } >"$sql"
  for ((r = 1; r <= reps; r++)); do
    rm -f "$impdb" "$impdb-wal" "$impdb-shm"
    sync
    timed sqlite3_import "$r" "$work/m/import-$r.txt" sqlite3 "$impdb" ".read '$sql'" || die "sqlite3 .import failed"
  done
  local imported=0 n
  for f in "$data"/*.csv; do
    t=$(basename "$f" .csv); t=${t//[^A-Za-z0-9_]/_}
    n=$(sqlite3 "$impdb" "SELECT count(*) FROM \"$t\"")
    imported=$((imported + n))
  done
  record sqlite3_import_rows "$imported"
  record sqlite3_import_warnings "$(wc -l <"$work/m/import-1.txt.err")"
  record sqlite3_version "\"$(sqlite3 --version | cut -d' ' -f1)\""
  rm -f "$impdb" "$impdb-wal" "$impdb-shm"

  # --- peers: the same summary from the raw exports
  local threads
  threads=$(nproc)
  if [ $peers_ok_duckdb = 1 ]; then
    for ((r = 1; r <= reps; r++)); do
      timed duckdb "$r" "$work/m/duckdb-$r.json" node "$here/peers/duckdb_summary.mjs" "$data" "$threads" \
        || { note "DuckDB peer failed: skipped"; break; }
    done
  fi
  if [ $peers_ok_pandas = 1 ]; then
    for ((r = 1; r <= reps; r++)); do
      timed pandas "$r" "$work/m/pandas-$r.json" /usr/bin/python3 "$here/peers/pandas_summary.py" "$data" \
        || { note "pandas peer failed: skipped"; break; }
    done
  fi

  /usr/bin/env python3 "$here/report.py" "$meas" "$out/results-$label.json"
  echo "  raw results: $out/results-$label.json"

  if [ $keep = 0 ]; then
    rm -rf "$work"
  else
    note "--keep: $work kept ($(du -sh "$work" | cut -f1))"
  fi
}

# -------------------------------------------------------------------- main

commit=unknown
if command -v git >/dev/null && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$root" status --porcelain -- src include cli 2>/dev/null)" ] || commit="$commit+local-changes"
fi
echo "touchmine benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  source   $commit"
echo "  binary   $BIN ($("$BIN" --version 2>/dev/null | head -n 1 || echo unknown version))"
echo "  machine  $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
echo "  sizes    ${sizes[*]}   out $out"
setup_peers
build_bench_dataset
for s in "${sizes[@]}"; do
  run_size "$s"
done
