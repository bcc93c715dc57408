#!/bin/bash
# The first readers after a start (docs/performance.md): the server is started on the data dir
# of an earlier queue.sh or intake.sh run, and as soon as /readyz answers 200, 8 clients ask
# for the province's annual report and reconsideration statistics with wrk (8 s each); the
# figures are those of the readers that came first. `RUNS` starts (3). The page cache is left
# as it is (drop it by hand, as root: `echo 3 > /proc/sys/vm/drop_caches`, to see a cold disk).
# usage: cold.sh N
set -e
N=$1
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${YISHEN_BIN:-$HERE/../../target/release/yishen}
D=/tmp/bench-queue-$N
RUNS=${RUNS:-3}
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn YISHEN_BIND=127.0.0.1:18081 YISHEN_FILINGS_PER_HOUR=0
B=http://127.0.0.1:18081
PW=yishen-demo-2026
YEAR=$(( $(date +%Y) - 1 ))
for r in $(seq 1 $RUNS); do
  start=$(date +%s.%N)
  "$BIN" serve --demo > "$D/serve-cold.log" 2>&1 &
  PID=$!
  until curl -sf $B/readyz >/dev/null; do sleep 0.05; done
  ready=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
  TOKEN=$(curl -s -X POST $B/api/v1/auth/login -H 'content-type: application/json' -d "{\"username\":\"demo-sysadmin\",\"password\":\"$PW\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
  for what in "annual report, province|/api/v1/stats/annual-report?agency=ZJ&year=$YEAR&subtree=true" \
              "reconsideration statistics, province, last year|/api/v1/stats/reconsideration?agency=ZJ&from=$YEAR-01-01&to=$YEAR-12-31" \
              "reconsideration statistics, province, this year|/api/v1/stats/reconsideration?agency=ZJ"; do
    label=${what%%|*}; path=${what#*|}
    wrk -t2 -c8 -d8s --latency -H "authorization: Bearer $TOKEN" "$B$path" 2>&1 | awk -v l="$label" -v r=$r -v ready=$ready '/Requests\/sec/{rps=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /Latency/{max=$4} /Non-2xx/{bad=$NF} END{printf "start %d (ready after %s s) %-48s %8.1f req/s  p50 %s  p99 %s  max %s  non-2xx %s\n", r, ready, l, rps, p50, p99, max, bad+0}'
  done
  kill $PID; wait $PID 2>/dev/null || true
done
