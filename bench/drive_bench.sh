#!/usr/bin/env bash
# Drive server benchmarks over loopback HTTP, side by side with cp and
# rsync -a of the same data. Prints a Markdown section for bench/RESULTS.md
# ("Drive").
#
#   bench/drive_bench.sh             # full sizes: one 1 GiB file, 10,000 × 4 KiB files
#   QUICK=1 bench/drive_bench.sh     # small sizes, for trying the script
#   DSN=postgres://... bench/drive_bench.sh   # PostgreSQL instead of SQLite
#
# Needs: go, rsync, python3. Uses $TMPDIR (default /tmp), about 3.5 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=${SMALL:-10000}; BIG_MB=${BIG_MB:-1024}
if [[ -n "${QUICK:-}" ]]; then SMALL=1000; BIG_MB=64; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tack-drive-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "generating data in $work ..." >&2
python3 - "$work" "$SMALL" "$BIG_MB" <<'PY'
import os, sys
work, small, big_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(small):
    d = os.path.join(work, "small", "d%04d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
        f.write(os.urandom(4096))
os.makedirs(os.path.join(work, "big"))
with open(os.path.join(work, "big", "big.bin"), "wb") as f:
    for i in range(big_mb):
        f.write(os.urandom(1 << 20))
PY

secs() { local s=$(date +%s.%N); "$@" >/dev/null; python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$s" "$(date +%s.%N)"; }
sync
cp_big=$(secs cp "$work/big/big.bin" "$work/cp-big.bin")
cpsync_big=$(secs bash -c "cp '$work/big/big.bin' '$work/cp-big2.bin' && sync '$work/cp-big2.bin'")
rs_big=$(secs rsync -a "$work/big/" "$work/rsync-big/")
cp_small=$(secs cp -r "$work/small" "$work/cp-small")
cpsync_small=$(secs bash -c "cp -r '$work/small' '$work/cp-small2' && sync")
rs_small=$(secs rsync -a "$work/small/" "$work/rsync-small/")
rm -rf "$work/cp-big.bin" "$work/cp-big2.bin" "$work/rsync-big" "$work/cp-small" "$work/cp-small2" "$work/rsync-small"
mbps() { python3 -c "import sys; print('%.0f MiB/s' % (float(sys.argv[1]) / float(sys.argv[2])))" "$BIG_MB" "$1"; }
fps() { python3 -c "import sys; print('%.0f files/s' % (float(sys.argv[1]) / float(sys.argv[2])))" "$SMALL" "$1"; }

echo "running the Go benchmarks ..." >&2
out=$(DRIVE_BENCH_BIG="$work/big/big.bin" DRIVE_BENCH_SMALL="$work/small" DRIVE_BENCH_DSN="${DSN:-}" TMPDIR="$work" \
  go test -tags bench -run 'TestDriveBench' -count=1 -timeout 60m -v ./backend/drive 2>/dev/null | grep '^|' || true)

db=SQLite; [[ -n "${DSN:-}" ]] && db="PostgreSQL (localhost)"
cat <<MD
## Drive

\`bench/drive_bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) shared cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')),
Go $(go env GOVERSION | sed 's/go//'), $db, data dir and data on $(df -h "$work" | awk 'NR==2{print $1}')).
A real Tack server (\`servertest\`: the production handler on an httptest listener) on loopback;
the client is the sync package's HTTP client. Every chunk the server stores is fsynced and renamed
into place; a chunked commit re-reads the whole file to verify its SHA-256.

| measurement | result |
| --- | --- |
$out
| \`cp\` of the ${BIG_MB} MiB file (page cache, no fsync) | ${cp_big} s = $(mbps "$cp_big") |
| \`cp\` + \`sync\` of the ${BIG_MB} MiB file | ${cpsync_big} s = $(mbps "$cpsync_big") |
| \`rsync -a\` of the ${BIG_MB} MiB file to a local folder | ${rs_big} s = $(mbps "$rs_big") |
| \`cp -r\` of the $SMALL × 4 KiB tree | ${cp_small} s = $(fps "$cp_small") |
| \`cp -r\` + \`sync\` of the $SMALL × 4 KiB tree | ${cpsync_small} s = $(fps "$cpsync_small") |
| \`rsync -a\` of the $SMALL × 4 KiB tree to a local folder | ${rs_small} s = $(fps "$rs_small") |
MD
