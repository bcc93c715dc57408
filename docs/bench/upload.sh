#!/usr/bin/env bash
# Upload throughput and memory for large PDFs (docs/documents.md): the release server on a
# fresh SQLite data dir, a case registered by the clerk, then PDFs of each SIZE (MiB) uploaded
# by the handler as the information provided, RUNS times each with different content. Prints
# per upload: seconds, MB/s, the same file hashed by sha256sum (the reference, and the ratio
# hash time / upload time), the server's anonymous and file-backed resident memory
# after, and the peak resident memory (VmHWM) so far.
#   docs/bench/upload.sh [RUNS] [SIZE...]      (default: 3 runs of 50 and 200 MiB)
set -euo pipefail
RUNS=${1:-3}; shift || true
SIZES=${*:-50 200}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${YISHEN_BIN:-$ROOT/target/release/yishen}
D=$(mktemp -d /tmp/bench-upload.XXXX)
export YISHEN_DATA_DIR=$D YISHEN_LOG=warn YISHEN_BIND=127.0.0.1:18081 YISHEN_TODAY=2026-09-15 YISHEN_UPLOAD_LIMITS=provided=250
. "$(dirname "$0")/serve.sh"
mem() { awk '/^(VmHWM|RssAnon|RssFile):/ {printf "%s %d MB  ", $1, $2/1024}' /proc/$PID/status; }
echo "after start: $(mem)"
CLERK=$(token demo-clerk); HANDLER=$(token demo-handler)
CASE=$(curl -s -X POST $B/api/v1/cases -H "authorization: Bearer $CLERK" -H 'content-type: application/json' \
  -d '{"agency":"ZJ-HZ-SC","channel":"in_person","received_on":"2026-09-15","applicant":{"kind":"person","name":"张三","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000","address":"杭州市上城区某某路1号"},"content":"请公开2025年本区旧城改造项目的征收补偿方案及其批准文件","forms":["paper"],"delivery":"post"}' \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
for size in $SIZES; do
  for run in $(seq 1 "$RUNS"); do
    f=$D/big-$size-$run.pdf
    python3 "$(dirname "$0")/bigpdf.py" "$f" "$size"
    bytes=$(stat -c %s "$f")
    t=$( { /usr/bin/time -f %e curl -s -o "$D/up.json" -w '%{http_code}' -X POST "$B/api/v1/cases/$CASE/documents" \
      -H "authorization: Bearer $HANDLER" -F purpose=provided -F "file=@$f;type=application/pdf" > "$D/code"; } 2>&1 )
    # The reference, same file, same moment: hashing it alone (coreutils sha256sum), which the
    # upload must do too, besides receiving, writing, checking and storing it.
    c=$( { /usr/bin/time -f %e sha256sum "$f" > /dev/null; } 2>&1 )
    printf '%s MiB run %s: HTTP %s, %.2f s, %.0f MB/s (sha256sum %.2f s, ratio %.2f); %s\n' "$size" "$run" \
      "$(cat "$D/code")" "$t" "$(python3 -c "print($bytes/1e6/max($t,0.01))")" "$c" \
      "$(python3 -c "print(max($c,0.01)/max($t,0.01))")" "$(mem)"
    rm -f "$f"
  done
done
rm -rf "$D"
