#!/bin/bash
# Intake at N generated cases (docs/performance.md): online filings by 1, 8 and 32 clients,
# clerk registrations (which issue the 受理回执 at once), and filings while 8 readers use the
# queue; each `RUNS` runs of `SECS` seconds with wrk and docs/bench/intake.lua. The reference,
# measured in the same run on the same disk, is raw SQLite single-row commits
# (docs/bench/sqlite_commits.py). Needs a release build, wrk and python3.
# usage: intake.sh N [--reuse]; PART=clerk stops after the clerk registrations.
# With YISHEN_DATABASE_URL set (a release build with the postgres feature), the server runs on
# that PostgreSQL database; the reference stays raw SQLite commits on the same disk.   (--reuse: the data dir of an earlier run, or of queue.sh)
set -e
N=$1; REUSE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${YISHEN_BIN:-$HERE/../../target/release/yishen}
D=/tmp/bench-queue-$N
RUNS=${RUNS:-3}; SECS=${SECS:-10}
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn YISHEN_BIND=127.0.0.1:18081
if [ "$REUSE" != "--reuse" ]; then
  rm -rf $D; mkdir -p $D
  $BIN demo generate --cases $N
fi
. "$(dirname "$0")/serve.sh"
APPLICANT=$(token demo-applicant); CLERK=$(token demo-clerk)
TODAY=$(curl -s $B/readyz | python3 -c 'import sys,json; print(json.load(sys.stdin)["today"])')
echo "== $N cases at the start: $(sql 'select count(*) from cases')"
for r in $(seq 1 $RUNS); do echo "reference raw SQLite commits      run $r: $(python3 $HERE/sqlite_commits.py $D 3) commits/s"; done
run() { # label, then wrk arguments
  local label=$1; shift
  for r in $(seq 1 $RUNS); do
    wrk -d${SECS}s --latency "$@" 2>&1 | awk -v l="$label" -v r=$r '/Requests\/sec/{rps=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /Non-2xx/{bad=$NF} END{printf "%-34s run %d: %8.1f req/s  p50 %s  p99 %s  non-2xx %s\n", l, r, rps, p50, p99, bad+0}'
  done
}
export TOKEN=$APPLICANT AGENCY=ZJ-HZ-SC
if [ "$PART" != "clerk" ]; then
run "online filing, 1 client" -t1 -c1 -s $HERE/intake.lua $B
run "online filing, 8 clients" -t2 -c8 -s $HERE/intake.lua $B
run "online filing, 32 clients" -t2 -c32 -s $HERE/intake.lua $B
fi
TOKEN=$CLERK CHANNEL=in_person RECEIVED_ON=$TODAY run "clerk registration, 8 clients" -t2 -c8 -s $HERE/intake.lua $B
# The receipts' PDFs are rendered after each registration commits: how many wait when the load
# stops, and how long the renderer takes to store them.
left=$(sql "select count(*) from letters where pending is not null"); t0=$(date +%s.%N)
while [ "$(sql "select count(*) from letters where pending is not null")" != "0" ]; do sleep 0.2; done
echo "receipts waiting for their PDF when the load stopped: $left; all stored after $(python3 -c "import time; print(round(time.time() - $t0, 1))") s"
if [ "$PART" = "clerk" ]; then exit 0; fi
# Filing while 8 readers page through the clerk's queue.
for r in $(seq 1 $RUNS); do
  wrk -t1 -c8 -d$((SECS + 2))s --latency -H "authorization: Bearer $CLERK" "$B/api/v1/cases?per_page=50&status=submitted,received,replied" > $D/readers.txt 2>&1 &
  RP=$!
  sleep 1
  wrk -t2 -c32 -d${SECS}s --latency -s $HERE/intake.lua $B 2>&1 | awk -v r=$r '/Requests\/sec/{rps=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} END{printf "%-34s run %d: %8.1f req/s  p50 %s  p99 %s\n", "online filing, 32, with 8 readers", r, rps, p50, p99}'
  wait $RP
  awk -v r=$r '/Requests\/sec/{rps=$2} /^ +99%/{p99=$2} END{printf "%-34s run %d: %8.1f req/s  p99 %s\n", "  the 8 readers meanwhile", r, rps, p99}' $D/readers.txt
done
sleep 2
echo "index lag after the runs: $(curl -s $B/readyz | python3 -c 'import sys,json; print(json.load(sys.stdin).get("index_lag"))')"
echo "resident memory: $(ps -o rss= -p $PID) KB"
