#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang into
# build/fuzz/ (override with OUT=dir). Needs clang and its fuzzer runtime
# (Debian: clang + libclang-rt-14-dev, or the clang package's own runtime).
# See tests/fuzz/README.md for how to run them.
set -euo pipefail
cd "$(dirname "$0")/../.."
CC=${CC:-clang}
OUT=${OUT:-build/fuzz}
mkdir -p "$OUT"
SRC="src/core/mem.c src/core/error.c src/core/timeparse.c src/core/tzone.c $(ls src/io/*.c | tr '\n' ' ')"
# A 7-byte first buffer (default 256 KiB) so that records and values cross
# buffer refills at every offset; override with TM_IO_BLOCK=262144.
BLOCK=${TM_IO_BLOCK:-7}
FLAGS="-std=c11 -D_GNU_SOURCE -DTM_IO_BLOCK=$BLOCK -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Isrc"
for t in csv jsonsplit time json; do
  # shellcheck disable=SC2086 # word splitting of SRC and FLAGS is intended
  $CC $FLAGS "tests/fuzz/fuzz_$t.c" $SRC $(pkg-config --cflags --libs zlib libzstd) \
    -o "$OUT/fuzz_$t"
  echo "built $OUT/fuzz_$t"
done
