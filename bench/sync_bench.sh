#!/usr/bin/env bash
# Sync engine benchmarks, side by side with rsync -a and sha256sum of the
# same trees. Prints a Markdown section for bench/RESULTS.md ("Sync").
#
#   bench/sync_bench.sh                # full sizes: 10,000 × 4 KiB, 1 GiB, 100,000 files
#   QUICK=1 bench/sync_bench.sh        # small sizes, for trying the script
#   DRIVE=server bench/sync_bench.sh   # against a real in-process Tack server (SQLite)
#                                      # instead of the in-memory contract drive
#
# Needs: go, rsync, sha256sum, python3. Uses $TMPDIR (default /tmp), about 1.2 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=${SMALL:-10000}; BIG_MB=${BIG_MB:-1024}; MANY=${MANY:-100000}; IDLE=${IDLE:-30}; LAT_N=${LAT_N:-40}
if [[ -n "${QUICK:-}" ]]; then SMALL=2000; BIG_MB=64; MANY=5000; IDLE=5; LAT_N=10; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tack-sync-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# inotify: one watch per directory (100 files per directory here).
watches=$(cat /proc/sys/fs/inotify/max_user_watches 2>/dev/null || echo "?")
need=$(( MANY / 100 + 100 ))
watch_note="max_user_watches=$watches (needs ~$need)"
if [[ "$watches" != "?" && "$watches" -lt "$need" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    sysctl -q -w fs.inotify.max_user_watches=$((need * 2)) && watch_note="$watch_note; raised to $((need * 2)) with sysctl"
  else
    watch_note="$watch_note; too low and not root: the engine reports degraded watching and polls"
  fi
fi

echo "generating trees in $work ..." >&2
python3 - "$work" "$SMALL" "$BIG_MB" "$MANY" <<'PY'
import os, sys
work, small, big_mb, many = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def tree(root, n, size):
    for i in range(n):
        d = os.path.join(root, "d%04d" % (i // 100))
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        data = ("file %d\n" % i).encode().ljust(size, b"\0")
        with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
            f.write(data)
tree(os.path.join(work, "small"), small, 4096)
tree(os.path.join(work, "many"), many, 64)
os.makedirs(os.path.join(work, "big"))
with open(os.path.join(work, "big", "big.bin"), "wb") as f:
    for i in range(big_mb):
        f.write(os.urandom(1 << 20))
PY

secs() { local s=$(date +%s.%N); "$@" >/dev/null; python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$s" "$(date +%s.%N)"; }
rs_small=$(secs rsync -a "$work/small/" "$work/rsync-small/")
rs_big=$(secs rsync -a "$work/big/" "$work/rsync-big/")
sha_small=$(secs bash -c "cd '$work/small' && find . -type f -print0 | xargs -0 sha256sum")
sha_big=$(secs sha256sum "$work/big/big.bin")
rs_many=$(secs rsync -a "$work/many/" "$work/rsync-many/")
rs_many_again=$(secs rsync -a "$work/many/" "$work/rsync-many/")

if [[ "${DRIVE:-fake}" == server ]]; then
  drive_note="The agent talks HTTP (loopback) to a real in-process Tack server (SQLite in a temp dir, chunks fsynced into the blob store)"
else
  drive_note="The agent talks HTTP to an in-process drive server implementing the drive protocol contract (the sync package's test drive, in memory)"
fi
echo "running the Go benchmarks ..." >&2
out=$(SYNC_BENCH_DRIVE=${DRIVE:-fake} SYNC_BENCH_SMALL=$SMALL SYNC_BENCH_BIG_MB=$BIG_MB SYNC_BENCH_RESCAN=$MANY SYNC_BENCH_IDLE_SECS=$IDLE SYNC_BENCH_LATENCY_N=$LAT_N \
  SYNC_BENCH_SMALL_DIR="$work/small" SYNC_BENCH_BIG_DIR="$work/big" SYNC_BENCH_RESCAN_DIR="$work/many" \
  go test -tags bench -run 'TestSyncBench' -count=1 -timeout 60m -v ./backend/syncagent 2>/dev/null | grep '^|' || true)

cat <<MD
## Sync

\`bench/sync_bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) shared cores, Go $(go env GOVERSION | sed 's/go//'), $watch_note).
$drive_note; files are in the page cache for every tool alike.

| measurement | result | goal |
| --- | --- | --- |
$out
| \`rsync -a\` of the $SMALL × 4 KiB tree to a local folder | ${rs_small} s | — |
| \`sha256sum\` of the $SMALL × 4 KiB tree | ${sha_small} s | — |
| \`rsync -a\` of the ${BIG_MB} MiB file to a local folder | ${rs_big} s | — |
| \`sha256sum\` of the ${BIG_MB} MiB file | ${sha_big} s | — |
| \`rsync -a\` of the $MANY-file tree (first / unchanged again) | ${rs_many} s / ${rs_many_again} s | — |
MD
