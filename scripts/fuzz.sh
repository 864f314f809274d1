#!/usr/bin/env bash
# Runs the libFuzzer targets of ./build-asan (built by scripts/test.sh, or see
# docs/FUZZING.md), each from its seed corpus fuzz/corpus/NAME, and prints
# one line of figures per target. New inputs go to a scratch folder, never to
# the seed corpus. Exits non-zero when any target fails: a crash, a sanitizer
# report, a broken property, an input slower than 30 s, or a hung call.
#   scripts/fuzz.sh                     each in-process target for 1M executions
#   scripts/fuzz.sh --runs N [NAME...]  N executions each
#   scripts/fuzz.sh --seconds S [NAME...]  S seconds each
# NAME is a target without its glutecare_ prefix and _fuzzer suffix: names,
# spec, answers, patient_import, csv, validation (the in-process ones, the
# default), or request (a real server per input, about 150 executions/s: give
# it --seconds). The input that broke a target is kept as
# build-asan/fuzz-artifacts/NAME-crash-*; replay it with
# build-asan/fuzz/glutecare_NAME_fuzzer FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1000000
seconds=""
names=()
while (( $# > 0 )); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seconds) seconds="$2"; runs=""; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if (( ${#names[@]} == 0 )); then
  names=(names spec answers patient_import csv validation)
fi

# A run by count stops at this bound too, so that it always ends; a target
# that reaches it shows fewer executions than asked for.
max_seconds="${seconds:-3600}"
limits=(-max_total_time="$max_seconds")
[[ -n "$runs" ]] && limits+=(-runs="$runs")

# c-ares (a Debian library under gRPC) keeps a few bytes until exit.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p build-asan/fuzz-artifacts
failed=()
printf '%-15s %10s %9s %8s %6s\n' target executions seconds exec/s new
for name in "${names[@]}"; do
  binary="build-asan/fuzz/glutecare_${name}_fuzzer"
  if [[ ! -x "$binary" ]]; then
    echo "$binary is not built (see docs/FUZZING.md)" >&2
    exit 2
  fi
  seeds=()
  [[ -d "fuzz/corpus/$name" ]] && seeds=("fuzz/corpus/$name")
  mkdir -p "$scratch/$name"
  log="build-asan/fuzz-$name.log"
  start="$(date +%s.%N)"
  status=0
  "$binary" "${limits[@]}" -timeout=30 -print_final_stats=1 \
      -artifact_prefix="build-asan/fuzz-artifacts/$name-" \
      "$scratch/$name" "${seeds[@]}" > "$log" 2>&1 || status=$?
  elapsed="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  new="$(sed -n 's/^stat::new_units_added: *//p' "$log")"
  rate="-"
  if [[ -n "$executions" ]]; then
    rate="$(awk -v n="$executions" -v s="$elapsed" 'BEGIN { printf "%d", n / s }')"
  fi
  printf '%-15s %10s %9.1f %8s %6s\n' "$name" "${executions:--}" "$elapsed" \
      "$rate" "${new:--}"
  if (( status != 0 )); then
    grep -E -A20 'ERROR|fuzz property broken|SUMMARY' "$log" | head -60 >&2 \
      || tail -50 "$log" >&2
    echo "glutecare_${name}_fuzzer failed (exit $status); log: $log" >&2
    failed+=("$name")
  fi
done
if (( ${#failed[@]} > 0 )); then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
