#!/usr/bin/env bash
# Runs every test suite, keeps going after a failure, and ends with the go
# test summary lines, each suite's result and time, what failed (the failed
# Playwright tests with their first error line, the failed go tests, the tail
# of any other failed suite) and "N passed, M failed" (suites). Exit status 1
# if any suite failed. With CI=true a missing tool or project is a failure,
# never a skip. Each suite's output is also in .tmp/suite-<n>.log; the
# Playwright run's in .tmp/e2e.log, go test's in .tmp/gotest.log.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
rm -f .tmp/e2e.log .tmp/gotest.log .tmp/suite-*.log # never report an earlier run's failures
passed=0 failed=0 results=() failed_logs=()
start=$SECONDS
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
suite() { # name command...
  local name=$1; shift
  if [[ -n "${ONLY:-}" && ! $name =~ $ONLY ]]; then return 0; fi # dev: ONLY=desktop scripts/test.sh
  echo "=== suite: $name"
  local log=.tmp/suite-$((passed + failed + 1)).log t0=$SECONDS
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} took
  took=$(mmss $((SECONDS - t0)))
  if ((rc == 0)); then passed=$((passed + 1)); results+=("PASS  $took  $name")
  else failed=$((failed + 1)); results+=("FAIL  $took  $name"); failed_logs+=("$name"$'\t'"$log"); fi
}
need() { # dir: package.json must exist (CI) or the suite is reported as not run
  [[ -f $1/package.json ]] && return 0
  echo "$1/package.json is missing"
  [[ "${CI:-}" == "true" ]] && return 1
  echo "(not CI: treated as failure as well; nothing is skipped silently)"; return 1
}
gotest() {
  local race=()
  [[ "${RACE:-}" == "1" ]] && race=(-race)
  # 25 min per package: the sync agent's real-folder tests need ~10 min on a loaded 2-core machine.
  go test -count=1 -timeout 25m "${race[@]}" ./... 2>&1 | tee .tmp/gotest.log
  return "${PIPESTATUS[0]}"
}
frontend_test() {
  need frontend || return 1
  (cd frontend && npm test && if grep -q '"typecheck"' package.json; then npm run typecheck; else npx vue-tsc --noEmit; fi)
}
# The login page's initial JS+CSS stays under the budget in bundle-budget.mjs.
# With TACK_UI_BUILT=1 (make test has just built it) the budget reads that build instead of building it again.
bundle_budget() {
  need frontend || return 1
  if [[ ${TACK_UI_BUILT:-} == 1 ]]; then (cd frontend && node scripts/bundle-budget.mjs)
  else (cd frontend && npm run --silent budget); fi
}
# The specs run against build/bin/tack with the UI embedded: rebuild it so they
# never test a stale UI (only the server when make test has just built the UI).
# The run's output goes to .tmp/e2e.log too: e2e_failures names what failed at the end.
e2e_test() {
  local target=build
  [[ ${TACK_UI_BUILT:-} == 1 ]] && target=server
  need e2e && make --no-print-directory $target && touch .tmp/server-built || return 1
  (cd e2e && npx playwright test tests/) 2>&1 | tee .tmp/e2e.log
  return "${PIPESTATUS[0]}"
}

# The desktop suites share one desktop build (cgo and WebKitGTK: each link
# takes ~40 s at load 30, and smoke, sync and handover each linked their own):
# the smoke suite builds build/bin/tack-desktop, the others reuse it. It no
# longer overwrites build/bin/tack, the server the e2e suite built, which the
# Windows suite reuses too. Run alone (ONLY=...), each script builds its own.
DESKTOP_BIN=$PWD/build/bin/tack-desktop
rm -f "$DESKTOP_BIN" .tmp/server-built
desktop_smoke() {
  CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 -o "$DESKTOP_BIN" . || return 1
  TACK_DESKTOP_BIN=$DESKTOP_BIN e2e/desktop/smoke.sh
}
with_desktop() { # script: runs it with the smoke suite's desktop build when there is one
  if [[ -x $DESKTOP_BIN ]]; then TACK_DESKTOP_BIN=$DESKTOP_BIN "$@"; else "$@"; fi
}
windows_test() { # with the e2e suite's server build when this run made one
  if [[ -f .tmp/server-built ]]; then TACK_BIN=$PWD/build/bin/tack scripts/test-windows-wine.sh; else scripts/test-windows-wine.sh; fi
}

# Issue 20's fault test: three replicas and a jobs node behind HAProxy on
# PostgreSQL and the S3 server, 50 people working while replicas are killed
# and S3 restarts (about 1-4 min). It needs the PostgreSQL server the
# dual-database tests use; without one it fails, never skips.
fault_test() {
  pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running on 127.0.0.1:5432 (.ci/run starts it)"; return 1; }
  # The e2e suite's server build, when this run made one (deploy/local.sh builds its own otherwise).
  if [[ -f .tmp/server-built && -z ${TACK_PPROF:-} ]]; then TACK_BIN=$PWD/build/bin/tack make --no-print-directory fault-test
  else make --no-print-directory fault-test; fi
}

gofmt_check() { # every tracked Go file is gofmt-clean
  local out; out=$(gofmt -l $(git ls-files '*.go'))
  [[ -z $out ]] || { echo "gofmt needed:"; echo "$out"; return 1; }
}

suite "gofmt" gofmt_check
suite "go vet" go vet ./...
suite "go test" gotest
suite "frontend (vitest + typecheck)" frontend_test
suite "bundle budget (login page, gzip)" bundle_budget
suite "e2e (playwright, chromium)" e2e_test
suite "desktop smoke (xvfb)" desktop_smoke
suite "desktop folder sync (xvfb, xdotool)" with_desktop e2e/desktop/sync.sh
suite "desktop OS notification (dbus)" e2e/desktop/notify.sh
suite "desktop single instance (xvfb, dbus)" with_desktop e2e/desktop/handover.sh
suite "desktop update from the team server (xvfb)" e2e/desktop/update.sh
suite "desktop chat search offline (xvfb, xdotool)" with_desktop e2e/desktop/chatsearch.sh
suite "scale-out fault test (haproxy, 3 replicas, postgres, s3, kill -9)" fault_test
suite "windows client (signed installer; install, sync, uninstall under wine)" windows_test

# e2e_failures prints each failed Playwright test (the list reporter's
# "  N) [project] › file:line › title ───" header) with its first error line.
e2e_failures() {
  awk '/^  [0-9]+\) \[/ { sub(/ ─+$/, ""); sub(/^ +/, ""); print "  ✘ " $0; want = 1; next }
       want && NF { sub(/^ +/, ""); print "      " $0; want = 0 }' .tmp/e2e.log
  grep -E '^  [0-9]+ (failed|flaky|interrupted|did not run)$|config\.webServer' .tmp/e2e.log | sed 's/^ */  /'
}
# go_failures prints each failed go test with the lines it logged, panics and timeouts, then the failed packages.
go_failures() {
  grep -E -A3 '^\s*--- FAIL|^panic:|test timed out' .tmp/gotest.log | grep -vE '^(FAIL|--)$' | head -n 60
  grep -E '^FAIL\s' .tmp/gotest.log
}

echo
echo "=== go test summary"
grep -E '^(ok|FAIL|---|\?)\s' .tmp/gotest.log 2>/dev/null | grep -v '^?' || true
if ((failed > 0)); then
  echo
  echo "=== what failed"
  for f in "${failed_logs[@]}"; do
    name=${f%%$'\t'*} log=${f#*$'\t'}
    echo "--- $name ($log)"
    case $name in
      e2e*) if grep -qE '^  [0-9]+\) \[' .tmp/e2e.log 2>/dev/null; then e2e_failures; else tail -n 8 "$log"; fi ;;
      "go test") go_failures ;;
      *) tail -n 8 "$log" ;;
    esac
  done
fi
echo
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed in $(mmss $((SECONDS - start)))"
((failed == 0))
