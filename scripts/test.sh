#!/usr/bin/env bash
# The one test command (README): starts the real S3 servers the integration tier needs (moto and a
# Ceph RADOS Gateway, both on loopback), runs every test project, stops the servers by PID and prints
# one closing line "N passed, N failed" summed over all test projects.
#
#   scripts/test.sh                # everything (unit + conformance + integration on moto and RGW)
#   BUQUET_TEST_BACKENDS=moto scripts/test.sh   # quick local run without RGW (integration tests that
#                                               # need RGW then FAIL loudly, they never skip)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
backends=${BUQUET_TEST_BACKENDS:-moto rgw}
work=$(mktemp -d "${TMPDIR:-/tmp}/buquet-test.XXXXXX")
moto_pid=""
rgw_dir=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null
  [ -n "$rgw_dir" ] && RGW_DIR="$rgw_dir" bash scripts/s3/stop-rgw.sh >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Browser tests (dashboard) drive Debian's Chromium through Playwright; no browser is ever downloaded.
if ! command -v chromium >/dev/null 2>&1; then
  echo "# installing chromium (apt-get)" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  ($apt_get update -qq && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium) >"$work/apt-chromium.log" 2>&1 \
    || { echo "# chromium install FAILED (browser tests will fail); see log below" >&2; tail -20 "$work/apt-chromium.log" >&2; }
fi

for b in $backends; do
  case "$b" in
    moto)
      port=$(free_port)
      if out=$(MOTO_LOG="$work/moto.log" bash scripts/s3/start-moto.sh "$port"); then
        eval "$out"
        moto_pid=$S3_SERVER_PID
        export BUQUET_TEST_MOTO_ENDPOINT=$S3_ENDPOINT
        echo "# backend moto: $S3_ENDPOINT (pid $moto_pid)" >&2
      else
        echo "# backend moto: FAILED to start (tests that need it will fail)" >&2
      fi
      ;;
    rgw)
      rgw_dir="$work/rgw"
      port=$(free_port)
      mon_port=$(free_port)   # not the default 3300: another checkout may run its own RGW at the same time
      if out=$(RGW_DIR="$rgw_dir" RGW_PORT="$port" MON_PORT="$mon_port" bash scripts/s3/start-rgw.sh); then
        eval "$out"
        export BUQUET_TEST_RGW_ENDPOINT=$S3_ENDPOINT BUQUET_TEST_RGW_ACCESS_KEY=$S3_ACCESS_KEY BUQUET_TEST_RGW_SECRET_KEY=$S3_SECRET_KEY
        echo "# backend rgw: $S3_ENDPOINT" >&2
      else
        echo "# backend rgw: FAILED to start (tests that need it will fail)" >&2
      fi
      ;;
  esac
done
unset S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_REGION S3_SERVER_PID
export BUQUET_TEST_BACKENDS="$backends"

results="$work/results"
dotnet build Buquet.Actors.sln -c Release -nologo -v q -clp:ErrorsOnly
build_rc=$?
test_rc=1
if [ $build_rc -eq 0 ]; then
  dotnet test Buquet.Actors.sln -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
  test_rc=$?
fi

python3 - "$results" "$build_rc" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for f in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    c = ET.parse(f).find(".//t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    p, fl = int(c.get("passed", 0)), int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s = int(c.get("total", 0)) - p - fl
    passed, failed, skipped = passed + p, failed + fl, skipped + max(s, 0)
if sys.argv[2] != "0":
    failed += 1  # a build failure is a failure
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
if [ $build_rc -ne 0 ]; then exit $build_rc; fi
exit $test_rc
