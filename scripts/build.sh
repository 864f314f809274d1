#!/usr/bin/env bash
# Installs missing dependencies and builds glutecare into ./build.
#   scripts/build.sh          server and CLI
#   scripts/build.sh --test   also the test suite and its tools
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=OFF
install_flags=()
if [[ "${1:-}" == "--test" ]]; then
  with_tests=ON
  install_flags=(--test)
fi

scripts/install-deps.sh "${install_flags[@]}"
mkdir -p build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
      -DGLUTECARE_BUILD_TESTS="$with_tests" > build/configure.log 2>&1 \
  || { cat build/configure.log; exit 1; }
cmake --build build --parallel "$(nproc)"
