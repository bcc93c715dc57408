#!/bin/bash
# Notifications at N generated cases (docs/notifications.md): the server sends through a real
# SMTP server (aiosmtpd from PyPI) on this machine.
#  1. Steady: clerks register applications with an e-mail address (8 clients, wrk, SECS s, each
#     registration issues the 受理回执 and so writes an 申请已收到 message); the delay from the
#     message's row to the mail server's acceptance, p50 and p99, from the outbox's own times.
#  2. Burst: 10,000 messages written at once into the outbox; the dispatch rate is how many
#     the server's dispatcher had accepted per second from the first row to the last acceptance.
# The reference, measured in the same run: Python's smtplib sending the same number of messages
# to the same server over one connection (what the mail server and the loopback allow).
# usage: notify.sh N [--reuse]   (--reuse: the data dir of an earlier run, or of queue.sh)
set -e
N=$1; REUSE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${YISHEN_BIN:-$HERE/../../target/release/yishen}
D=/tmp/bench-queue-$N
RUNS=${RUNS:-3}; SECS=${SECS:-10}
SMTP_PORT=18025
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn YISHEN_BIND=127.0.0.1:18081
export YISHEN_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT YISHEN_MAIL_FROM='yishen <noreply@example.gov.cn>'
export YISHEN_NOTIFY_INTERVAL_MS=${INTERVAL_MS:-500}
if [ "$REUSE" != "--reuse" ]; then
  rm -rf $D; mkdir -p $D
  $BIN demo generate --cases $N
fi
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
# A mail server that accepts and forgets (aiosmtpd's Sink): the bench measures the sender.
python3 -m aiosmtpd -n -l 127.0.0.1:$SMTP_PORT -c aiosmtpd.handlers.Sink > $D/smtp.log 2>&1 &
SMTP=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null && break; sleep 0.1; done
. "$HERE/serve.sh"
trap 'kill $PID $SMTP 2>/dev/null; wait $PID 2>/dev/null' EXIT
CLERK=$(token demo-clerk)
TODAY=$(curl -s $B/readyz | python3 -c 'import sys,json; print(json.load(sys.stdin)["today"])')
echo "== $N cases at the start: $(sql 'select count(*) from cases')"
reference() {
  python3 - "$SMTP_PORT" "$1" <<'PY'
import smtplib, sys, time
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
s = smtplib.SMTP("127.0.0.1", port)
t0 = time.time()
for i in range(n):
    m = EmailMessage(); m["From"] = "a@example.gov.cn"; m["To"] = "b@example.com"
    m["Subject"] = "申请已收到"; m["Message-ID"] = f"<ref-{i}-{t0}@x>"; m.set_content("测试" * 200)
    s.send_message(m)
s.quit()
print(round(n / (time.time() - t0)))
PY
}
wait_drained() { while [ "$(sql "select count(*) from notifications where status='pending'")" != "0" ]; do sleep 0.2; done; }
# Times in the outbox are UTC timestamps; SQLite's julianday and PostgreSQL's epoch both read them.
delays() { # since id $1: p50 and p99 of accepted_at - created_at, in ms
  if [ -n "$YISHEN_DATABASE_URL" ]; then
    sql "select round(percentile_cont(0.5) within group (order by extract(epoch from accepted_at - created_at)) * 1000), round(percentile_cont(0.99) within group (order by extract(epoch from accepted_at - created_at)) * 1000) from notifications where id > $1 and status = 'sent'"
  else
    sql "select (julianday(accepted_at) - julianday(created_at)) * 86400000 from notifications where id > $1 and status = 'sent' order by 1" | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(round(v[len(v)//2]), round(v[min(len(v)-1, int(len(v)*0.99))]))'
  fi
}
for r in $(seq 1 $RUNS); do
  echo "reference smtplib, 2,000 messages    run $r: $(reference 2000) messages/s"
done
for r in $(seq 1 $RUNS); do
  start=$(sql "select coalesce(max(id), 0) from notifications")
  TOKEN=$CLERK AGENCY=ZJ-HZ-SC CHANNEL=in_person RECEIVED_ON=$TODAY EMAIL=1 \
    wrk -t2 -c8 -d${SECS}s -s $HERE/intake.lua $B 2>&1 | awk -v r=$r '/Requests\/sec/{printf "registrations with e-mail, 8 clients run %d: %8.1f req/s\n", r, $2}'
  wait_drained
  read p50 p99 <<< "$(delays $start | tr '|' ' ')"
  echo "  messages $(sql "select count(*) from notifications where id > $start and status = 'sent'"), row to acceptance p50 ${p50} ms, p99 ${p99} ms"
done
CASE=$(sql "select case_id from case_applicants where email_enc is not null limit 1")
for r in $(seq 1 $RUNS); do
  start=$(sql "select coalesce(max(id), 0) from notifications")
  python3 - "$CASE" "$r" "${YISHEN_DATABASE_URL:+pg}" <<'PY' | sql_in
import sys
case, r, pg = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "pg"
import time; stamp = int(time.time())
# The stored form of a timestamp, to the millisecond: UTC.
now = "(now() at time zone 'utc')" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
print("BEGIN;")
for i in range(10000):
    print(f"INSERT INTO notifications (message_id, kind, case_id, channel, subject, body, status, attempts, next_attempt_at, created_at) VALUES ('<bench-{stamp}-{r}-{i}@x>', 'received', {case}, 'email', '申请已收到', '{'测试' * 200}', 'pending', 0, {now}, {now});")
print("COMMIT;")
PY
  wait_drained
  rate=$(sql "select count(*) from notifications where id > $start" )
  if [ -n "$YISHEN_DATABASE_URL" ]; then
    secs=$(sql "select extract(epoch from max(accepted_at) - min(created_at)) from notifications where id > $start")
  else
    secs=$(sql "select (julianday(max(accepted_at)) - julianday(min(created_at))) * 86400 from notifications where id > $start")
  fi
  read p50 p99 <<< "$(delays $start | tr '|' ' ')"
  echo "burst of 10,000 messages               run $r: $(python3 -c "print(round($rate / $secs))") messages/s over $(python3 -c "print(round($secs, 1))") s; row to acceptance p50 ${p50} ms, p99 ${p99} ms"
done
echo "resident memory: $(ps -o rss= -p $PID) KB"
