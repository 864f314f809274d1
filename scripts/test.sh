#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian packages and the
# npm test tools), builds everything with the tests, and runs the whole suite
# with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh --test
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 300
