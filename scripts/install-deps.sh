#!/usr/bin/env bash
# Installs every build and test dependency of touchmine from Debian 12 packages.
# Idempotent: packages already present are left alone. Works as root or via sudo.
set -euo pipefail

packages=(
  build-essential pkg-config
  libsqlite3-dev sqlite3        # warehouse
  zlib1g-dev libzstd-dev        # compressed input
  libinih-dev                   # config files
  tzdata                        # named time zones (time.zone = Europe/London)
  libjansson-dev                # JSON / Segment events
  libsodium-dev                 # keyed hashing for pseudonymisation
  libxxhash-dev                 # hashing
  liblbfgs-dev                  # maximum-likelihood fits (CLV)
  liblinear-dev libxgboost-dev  # logistic regression, gradient-boosted trees
  libstemmer-dev                # Snowball stemming for text mining
  libroaring-dev                # compressed bitmaps (tid-lists, cohorts)
  libmicrohttpd-dev             # the live dashboard server
  chromium                      # tests: the dashboard is checked in a real headless browser
  libcmocka-dev jq python3      # tests: jq reads JSON, python3 (stdlib) recomputes figures independently
)
# Optional extras: peers for benchmarks (pandas) and fuzzing (clang).
if [ "${TM_BENCH_DEPS:-0}" = 1 ]; then
  packages+=(python3-pandas python3-sklearn python3-scipy python3-statsmodels python3-xgboost python3-nltk weka wrk clang)
  # a node from elsewhere (e.g. NodeSource) already brings npm and conflicts with Debian's
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
