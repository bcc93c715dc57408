#!/bin/bash
# Fills a fresh database with `yishen demo generate` and times the annual report and the
# reconsideration statistics (docs/reports.md). Needs a release build and hyperfine.
# usage: bench.sh label N [database-url]
set -e
LABEL=$1; N=$2; URL=$3
BIN=${YISHEN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/yishen}
D=/tmp/bench-$LABEL
rm -rf $D; mkdir -p $D
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn
if [ -n "$URL" ]; then
  DB=bench_$LABEL
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  export YISHEN_DATABASE_URL=${URL}/$DB
fi
echo "== $LABEL $N"
/usr/bin/time -f "generate: %e s, max RSS %M KB" $BIN demo generate --cases $N
for subtree in "" "--subtree"; do
  hyperfine -N -w 1 -r 5 --export-json $D/hf$subtree.json "$BIN report annual --agency ZJ $subtree --year 2025 --format json --output $D/r.json" 2>&1 | grep -E "Time|Range"
done
# HTTP: the report and the statistics against the running server
export YISHEN_BIND=127.0.0.1:18080
$BIN serve --demo > $D/serve.log 2>&1 &
PID=$!
sleep 3
TOKEN=$(curl -s -X POST http://127.0.0.1:18080/api/v1/auth/login -H 'content-type: application/json' -d '{"username":"demo-sysadmin","password":"yishen-demo-2026"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
for path in "/api/v1/stats/annual-report?agency=ZJ&year=2025&subtree=true" "/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025" "/api/v1/stats/reconsideration?agency=ZJ&from=2025-01-01&to=2025-12-31" "/api/v1/stats/reconsideration?agency=ZJ&from=2021-01-01&to=2026-11-22"; do
  T=""
  for i in 1 2 3 4 5 6; do T="$T $(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $TOKEN" "http://127.0.0.1:18080$path")"; done
  echo "GET $path:$T"
done
kill $PID
