#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs
# glutecare-server on its embedded SQLite database (data/glutecare.db) with a
# small demo clinic, then prints how to try the CLI with ready-to-use demo
# tokens. Ctrl-C stops the server gracefully. Safe to run again on an
# existing database: it keeps the data and mints fresh demo tokens.
#
#   GLUTECARE_LISTEN   address to listen on (default 127.0.0.1:50051)
#   GLUTECARE_DB       database file (default data/glutecare.db)
#
# The demo tokens (admin, therapist tess, patient pat) are written to
# data/demo-tokens/*.token, readable by their owner only.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh

listen="${GLUTECARE_LISTEN:-127.0.0.1:50051}"
db="${GLUTECARE_DB:-data/glutecare.db}"
tokens=data/demo-tokens
server_bin=build/server/glutecare-server
cli_bin=build/client/glutecare

# The clinic, unless it exists, and a fresh admin token for it: straight on
# the database file, before the server opens it.
mkdir -p "$tokens"
chmod 700 "$tokens"
"$server_bin" bootstrap --db "$db" --clinic demo --clinic-name "Demo Physio" \
    --admin-name "Demo admin" --token-file "$tokens/admin.token"

"$server_bin" --listen "$listen" --db "$db" > build/server.out &
server_pid=$!
stop_server() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" || true; }
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Wait (at most 20 s) for the server to say it is listening.
for _ in $(seq 1 200); do
  grep -q "listening on" build/server.out 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "glutecare-server failed to start" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" build/server.out || { echo "glutecare-server did not start in 20 s" >&2; exit 1; }
cat build/server.out

export GLUTECARE_SERVER="$listen" GLUTECARE_CLINIC=demo
unset GLUTECARE_TOKEN GLUTECARE_TOKEN_FILE GLUTECARE_THERAPIST GLUTECARE_PATIENT
# `as ROLE glutecare-args...`: the CLI with that role's demo token, quiet.
as() { local role=$1; shift; "$cli_bin" --token-file "$tokens/$role.token" "$@" > /dev/null; }
# `exists ROLE glutecare-args...`: whether that show command finds its resource.
exists() { as "$@" 2> /dev/null; }

# The admin's part: the therapist and the patient record, if missing, and a
# fresh token for each; then the therapist assigns the program.
if ! exists admin therapist show tess; then
  echo "Creating therapist tess..."
  as admin therapist create --id tess --name "Tess Thompson"
fi
if ! exists admin patient show pat; then
  echo "Creating patient pat..."
  as admin patient create --id pat --therapist tess --name "Pat Jones" --mrn MRN-1001 \
      --time-zone Europe/Berlin --pain-area lower-back --pain-area hip --baseline-pain 6
fi
as admin token create --role therapist --therapist tess --name "Tess (demo)" \
    --out "$tokens/therapist.token"
as admin token create --role patient --patient pat --name "Pat (demo)" \
    --out "$tokens/patient.token"
if ! exists therapist program show phase-1 --patient pat; then
  echo "Assigning pat's program..."
  as therapist program assign --patient pat --id phase-1 --title "Glute strength, phase 1" \
      --exercise glute-bridge:3x12 --exercise clamshell:3x15@band-light \
      --exercise bodyweight-squat:3x10 --per-week 3
fi

cat <<TXT

glutecare is running on $listen (database: $db). In another terminal:

  export PATH="\$PWD/build/client:\$PATH" GLUTECARE_SERVER=$listen GLUTECARE_CLINIC=demo

  # as the therapist (token: $(cat "$tokens/therapist.token"))
  export GLUTECARE_TOKEN=\$(cat $tokens/therapist.token) GLUTECARE_THERAPIST=tess
  glutecare patient list
  glutecare program show --patient pat
  glutecare session list --patient pat
  glutecare dashboard

  # as the patient (token: $(cat "$tokens/patient.token"))
  export GLUTECARE_TOKEN=\$(cat $tokens/patient.token) GLUTECARE_PATIENT=pat
  glutecare program show
  glutecare session submit --exercise glute-bridge:3x12 --exercise clamshell:3x15@band-light \\
      --exercise bodyweight-squat:3x10 --pain-before 4 --pain-after 3 --difficulty right \\
      --area lower-back
  glutecare pain report --area lower-back --score 3
  glutecare session list

  # as the clinic's admin (token: $(cat "$tokens/admin.token"))
  export GLUTECARE_TOKEN=\$(cat $tokens/admin.token)
  glutecare token list
  glutecare audit list

Each run mints fresh demo tokens; the old ones keep working until they
expire (90 days) or 'glutecare token revoke ID' revokes them.

Press Ctrl-C to stop the server.
TXT
wait "$server_pid"
