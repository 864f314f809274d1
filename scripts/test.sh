#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian packages and the
# npm test tools), builds everything with the tests, and runs the whole suite
# with ctest; then builds it again with clang-14 under AddressSanitizer and
# UndefinedBehaviorSanitizer into ./build-asan, runs the whole suite there
# too, and gives each libFuzzer target a short run.
#   GLUTECARE_FUZZ_SECONDS          seconds for each in-process fuzz target (default 5)
#   GLUTECARE_REQUEST_FUZZ_SECONDS  seconds for the request fuzzer (default 20)
#   GLUTECARE_SKIP_SANITIZED        set to 1 to skip the sanitizer build and the fuzz runs
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh --test
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 300)

if [[ "${GLUTECARE_SKIP_SANITIZED:-0}" == 1 ]]; then
  exit 0
fi
mkdir -p build-asan
CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLUTECARE_BUILD_TESTS=ON \
    -DGLUTECARE_SANITIZE=ON -DGLUTECARE_FUZZ=ON > build-asan/configure.log 2>&1 \
  || { cat build-asan/configure.log; exit 1; }
cmake --build build-asan --parallel "$(nproc)"
# c-ares (a Debian library under gRPC) keeps a few bytes until exit.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1"
(cd build-asan && ctest --output-on-failure --parallel "$(nproc)" --timeout 600)
# The fuzz smoke runs (scripts/fuzz.sh): each in-process target, then the
# request fuzzer; any crash, sanitizer report, broken property or hung call
# fails them.
status=0
scripts/fuzz.sh --seconds "${GLUTECARE_FUZZ_SECONDS:-5}" || status=$?
scripts/fuzz.sh --seconds "${GLUTECARE_REQUEST_FUZZ_SECONDS:-20}" request \
  || status=$?
exit "$status"
