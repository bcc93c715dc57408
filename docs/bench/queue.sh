#!/bin/bash
# The everyday paths of the pages and the API against the real server at N generated cases
# (docs/web.md, "Queue and search at a million cases"): each role's default queue, the search
# box, the export, with wrk, 8 connections, `RUNS` runs of `SECS` seconds each; `/healthz`
# measured in the same run is the reference the figures are divided by.
# Needs a release build and wrk.  usage: queue.sh N [--reuse]
# With YISHEN_DATABASE_URL set (a release build with the postgres feature), the server runs on
# that PostgreSQL database instead of the data dir's SQLite file.
# PART=stats runs only the reference and the annual report and statistics; PART=tree only the
# reference and the reconsideration body's tree.
set -e
N=$1; REUSE=$2
BIN=${YISHEN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/yishen}
D=/tmp/bench-queue-$N
RUNS=${RUNS:-3}; SECS=${SECS:-15}
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn YISHEN_BIND=127.0.0.1:18081
if [ "$REUSE" != "--reuse" ]; then
  rm -rf $D; mkdir -p $D
  /usr/bin/time -f "generate: %e s, max RSS %M KB" $BIN demo generate --cases $N
fi
. "$(dirname "$0")/serve.sh"
# A web session: the login form's CSRF token, then the session cookie.
web() {
  local jar=$D/jar-$1
  local csrf
  csrf=$(curl -s -c $jar $B/login | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b $jar -c $jar -o /dev/null -X POST $B/login --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=$PW"
  echo "yishen_session=$(awk '$6=="yishen_session"{print $7}' $jar)"
}
CLERK=$(token demo-clerk); HANDLER=$(token demo-handler); RECON=$(token demo-reconsideration)
WEB_CLERK=$(web demo-clerk); WEB_APPROVER=$(web demo-approver); WEB_HANDLER=$(web demo-handler)
TRACK=$(sql "select tracking_no from cases order by id desc limit 1")
NAME=$(sql "select applicant_name from cases order by id desc limit 1")
CSRF=$(curl -s -H "cookie: $WEB_CLERK" $B/work | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
cat > $D/search.lua <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/x-www-form-urlencoded"
wrk.headers["cookie"] = "$WEB_CLERK"
wrk.body = "csrf=$CSRF&q=" .. os.getenv("Q")
LUA
echo "== $N cases: $(sql 'select count(*) from cases') in the database, $(sql "select count(*) from cases where status not in ('closed','withdrawn','abandoned')") open"
run() { # label, then wrk arguments
  local label=$1; shift
  for r in $(seq 1 $RUNS); do
    wrk -t2 -c8 -d${SECS}s --latency "$@" 2>&1 | awk -v l="$label" -v r=$r '/Requests\/sec/{rps=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /Non-2xx/{bad=$NF} END{printf "%-34s run %d: %8.1f req/s  p50 %s  p99 %s  non-2xx %s\n", l, r, rps, p50, p99, bad+0}'
  done
}
run "reference GET /healthz" $B/healthz
if [ "$PART" = "tree" ]; then
run "API queue (reconsideration body, tree)" -H "authorization: Bearer $RECON" "$B/api/v1/cases?per_page=50&status=received,in_progress,drafting,in_review,approved"
run "API queue (reconsideration body, default)" -H "authorization: Bearer $RECON" "$B/api/v1/cases?per_page=50"
exit 0
fi
if [ "$PART" != "stats" ]; then
run "API queue (clerk default)" -H "authorization: Bearer $CLERK" "$B/api/v1/cases?per_page=50"
run "API queue (clerk, open statuses)" -H "authorization: Bearer $CLERK" "$B/api/v1/cases?per_page=50&status=submitted,received,replied"
run "API queue (reconsideration body, tree)" -H "authorization: Bearer $RECON" "$B/api/v1/cases?per_page=50&status=received,in_progress,drafting,in_review,approved"
run "API queue (handler, assignee=me)" -H "authorization: Bearer $HANDLER" "$B/api/v1/cases?assignee=me&per_page=50"
run "API search by tracking number" -H "authorization: Bearer $CLERK" "$B/api/v1/cases?q=$TRACK"
run "web /work (clerk)" -H "cookie: $WEB_CLERK" $B/work
run "web /work (handler)" -H "cookie: $WEB_HANDLER" $B/work
run "web /work (approver)" -H "cookie: $WEB_APPROVER" $B/work
run "web /work?status=open" -H "cookie: $WEB_CLERK" "$B/work?status=open"
Q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$NAME") run "web search by applicant name" -s $D/search.lua $B/work/search
Q=$TRACK run "web search by tracking number" -s $D/search.lua $B/work/search
run "web export CSV (clerk default)" -H "cookie: $WEB_CLERK" "$B/work/export?format=csv"
fi
SYSADMIN=$(token demo-sysadmin)
YEAR=$(( $(date +%Y) - 1 ))
run "annual report, province subtree" -H "authorization: Bearer $SYSADMIN" "$B/api/v1/stats/annual-report?agency=ZJ&year=$YEAR&subtree=true"
run "annual report, one agency" -H "authorization: Bearer $SYSADMIN" "$B/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=$YEAR"
run "reconsideration statistics, province" -H "authorization: Bearer $SYSADMIN" "$B/api/v1/stats/reconsideration?agency=ZJ&from=$YEAR-01-01&to=$YEAR-12-31"
run "reconsideration statistics, 2021-" -H "authorization: Bearer $SYSADMIN" "$B/api/v1/stats/reconsideration?agency=ZJ&from=2021-01-01&to=$YEAR-12-31"
echo "resident memory: $(ps -o rss= -p $PID) KB ($(grep -E 'RssAnon|RssFile' /proc/$PID/status | tr -s ' ' | tr '\n' ' '))"
