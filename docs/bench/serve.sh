# Sourced by the bench scripts: runs the release server on the data dir $D (port 18081) until
# the script exits, and defines $B, the demo password and `token USER`.
# The load generators file as one applicant from one address, far past the per-address limit
# on filings that protects a real service.
export YISHEN_FILINGS_PER_HOUR=0
"$BIN" serve --demo > "$D/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 1; done
B=http://127.0.0.1:18081
PW=yishen-demo-2026
# A query against the server's database: PostgreSQL when YISHEN_DATABASE_URL is set, else the
# SQLite file of the data dir.
sql() { if [ -n "$YISHEN_DATABASE_URL" ]; then psql "$YISHEN_DATABASE_URL" -Atc "$1"; else sqlite3 "$D/yishen.sqlite3" "$1"; fi; }
# The same, reading SQL from standard input (waiting for the server's write lock on SQLite).
sql_in() { if [ -n "$YISHEN_DATABASE_URL" ]; then psql "$YISHEN_DATABASE_URL" -q; else { echo ".timeout 10000"; cat; } | sqlite3 "$D/yishen.sqlite3"; fi; }
token() { curl -s -X POST $B/api/v1/auth/login -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$PW\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])'; }
