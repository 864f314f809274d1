#!/usr/bin/env bash
# Installs what glutecare needs on Debian bookworm, skipping what is already there.
#   scripts/install-deps.sh           build and run dependencies
#   scripts/install-deps.sh --test    also the test tools (buf and the FHIR R4
#                                     validator `fhir` from npm, PostgreSQL 15
#                                     for the throwaway test server)
# Needs root (or sudo) only when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_tools=0
[[ "${1:-}" == "--test" ]] && want_test_tools=1

packages=(
  cmake g++ ninja-build pkg-config
  ccache   # the compiler launcher (CMakeLists.txt): rebuilds and CI hit its cache
  lld      # the linker (CMakeLists.txt): 5x faster links than GNU ld
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc grpc-proto
  libabsl-dev libsqlite3-dev sqlite3 tzdata
  libpq-dev   # the PostgreSQL client library (server/storage/postgres)
  libssl-dev   # access tokens: OpenSSL RAND_bytes and SHA-256
  libcli11-dev
  nlohmann-json3-dev   # FHIR R4 JSON: export and import
  golang-github-gogo-googleapis-dev   # google/rpc/status.proto, error_details.proto
  libgtest-dev libgmock-dev
  openssl   # the TLS tests make their certificates at test time
)
# npm may come from Debian's nodejs+npm or from a nodejs build that bundles
# it (as on these machines); only a missing command makes us install it.
if (( want_test_tools )) && ! command -v npm > /dev/null; then
  packages+=(nodejs npm)
fi
# The sanitizer build and the fuzzer (scripts/test.sh): clang 14 with its
# runtime libraries (ASan, UBSan, libFuzzer).
if (( want_test_tools )); then
  packages+=(clang-14 libclang-rt-14-dev)
fi
# The suite's throwaway PostgreSQL server (tests/testing/pg_server.sh):
# initdb, pg_ctl and postgres from /usr/lib/postgresql/15/bin.
if (( want_test_tools )); then
  packages+=(postgresql-15)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  (( EUID == 0 )) || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if (( want_test_tools )); then
  if [[ ! -x tools/node_modules/.bin/buf ||
        ! -f tools/node_modules/fhir/package.json ]]; then
    echo "Installing test tools from npm (tools/package-lock.json)"
    # `npm install` with the committed lock: `npm ci` rejects lock files that
    # list only this platform's optional binary (npm 11).
    (cd tools && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
