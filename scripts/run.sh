#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs
# glutecare-server on its embedded SQLite database (data/glutecare.db) with a
# small demo clinic, then prints how to try the CLI. Ctrl-C stops the server
# gracefully.
#
#   GLUTECARE_LISTEN   address to listen on (default 127.0.0.1:50051)
#   GLUTECARE_DB       database file (default data/glutecare.db)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh

listen="${GLUTECARE_LISTEN:-127.0.0.1:50051}"
db="${GLUTECARE_DB:-data/glutecare.db}"
server_bin=build/server/glutecare-server
cli_bin=build/client/glutecare

"$server_bin" --listen "$listen" --db "$db" > build/server.out &
server_pid=$!
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid"' INT TERM

# Wait (at most 20 s) for the server to say it is listening.
for _ in $(seq 1 200); do
  grep -q "listening on" build/server.out 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "glutecare-server failed to start" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" build/server.out || { echo "glutecare-server did not start in 20 s" >&2; exit 1; }
cat build/server.out

export GLUTECARE_SERVER="$listen" GLUTECARE_CLINIC=demo
cli() { "$cli_bin" "$@" > /dev/null; }
if ! "$cli_bin" clinic show demo > /dev/null 2>&1; then
  echo "Creating the demo clinic (clinic demo, therapist tess, patient pat)..."
  cli clinic create --id demo --name "Demo Physio"
  cli therapist create --id tess --name "Tess Thompson"
  cli patient create --id pat --therapist tess --name "Pat Jones" --mrn MRN-1001 \
      --time-zone Europe/Berlin --pain-area lower-back --pain-area hip --baseline-pain 6
  cli program assign --patient pat --id phase-1 --title "Glute strength, phase 1" \
      --exercise glute-bridge:3x12 --exercise clamshell:3x15@band-light \
      --exercise bodyweight-squat:3x10 --per-week 3
fi

cat <<TXT

glutecare is running on $listen (database: $db). In another terminal:

  export PATH="\$PWD/build/client:\$PATH" GLUTECARE_SERVER=$listen GLUTECARE_CLINIC=demo

  # as the therapist
  export GLUTECARE_THERAPIST=tess
  glutecare patient list
  glutecare program show --patient pat
  glutecare session list --patient pat

  # as the patient
  export GLUTECARE_PATIENT=pat
  glutecare program show
  glutecare session submit --exercise glute-bridge:3x12 --exercise clamshell:3x15@band-light \\
      --exercise bodyweight-squat:3x10 --pain-before 4 --pain-after 3 --difficulty right
  glutecare pain report --area lower-back --score 3
  glutecare session list

Press Ctrl-C to stop the server.
TXT
wait "$server_pid"
