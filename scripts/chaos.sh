#!/usr/bin/env bash
# chaos.sh [DURATION] [TASKS] [SEED] — soak run of the chaos harness (tests/Buquet.Actors.ChaosTests): a private
# Ceph RGW (CHAOS_STORE=rgw, the default: unversioned, so it holds only current objects, ~1.6 GB of OSD memstore for
# 20,000 tasks) or moto (CHAOS_STORE=moto,
# keeps every object version in memory: fine for short runs) on loopback behind the fault proxy, N `buquet worker` processes killed and restarted at seeded random times, then the
# history checker. Appends the report to docs/reliability.md (unless CHAOS_PUBLISH=0) and prints it.
#
#   scripts/chaos.sh                   # 30m, 20000 tasks, random seed (printed)
#   scripts/chaos.sh 45m 30000 1234    # rerun a seed
#   CHAOS_WORKERS=4 CHAOS_FAULTS=2 CHAOS_KILL_EVERY=3s scripts/chaos.sh 30m 20000
# Other knobs (env): CHAOS_CONCURRENCY CHAOS_LEASE_TTL CHAOS_SIGTERM_SHARE CHAOS_SUBMIT_OVER CHAOS_KEEP=1
#   CHAOS_STORE=rgw|moto CHAOS_SWEEP_INTERVAL (default 2m) CHAOS_REQUIRE_EXEC_LOG=0 (workers without the execution-log hook), BUQUET_CHAOS_HOST_DLL (another host build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
duration=${1:-30m}
tasks=${2:-20000}
seed=${3:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
work=$(mktemp -d "${TMPDIR:-/tmp}/buquet-chaos.XXXXXX")
store=${CHAOS_STORE:-rgw}
moto_pid=""
rgw_dir=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null
  [ -n "$rgw_dir" ] && RGW_DIR="$rgw_dir" bash scripts/s3/stop-rgw.sh >/dev/null 2>&1
  [ "${CHAOS_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
case "$store" in
  moto)
    eval "$(MOTO_LOG="$work/moto.log" bash scripts/s3/start-moto.sh "$(free_port)")"
    moto_pid=$S3_SERVER_PID
    export BUQUET_TEST_MOTO_ENDPOINT=$S3_ENDPOINT
    ;;
  rgw)
    rgw_dir="$work/rgw"
    eval "$(RGW_DIR="$rgw_dir" RGW_PORT="$(free_port)" MON_PORT="$(free_port)" RGW_STORE_GB=${CHAOS_RGW_GB:-8} bash scripts/s3/start-rgw.sh)"
    export BUQUET_TEST_RGW_ENDPOINT=$S3_ENDPOINT BUQUET_TEST_RGW_ACCESS_KEY=$S3_ACCESS_KEY BUQUET_TEST_RGW_SECRET_KEY=$S3_SECRET_KEY
    ;;
  *) echo "CHAOS_STORE must be rgw or moto, not '$store'" >&2; exit 2 ;;
esac
echo "# chaos soak: duration $duration, tasks $tasks, seed $seed, $store $S3_ENDPOINT" >&2

dotnet build tests/Buquet.Actors.ChaosTests -c Release -nologo -v q -clp:ErrorsOnly
report="$work/report.md"
if [ -n "${CHAOS_SUBMIT_OVER:-}" ]; then export BUQUET_CHAOS_SUBMIT_OVER=$CHAOS_SUBMIT_OVER; fi
set +e
BUQUET_CHAOS_STORE=$store BUQUET_CHAOS_SWEEP_INTERVAL=${CHAOS_SWEEP_INTERVAL:-2m} \
BUQUET_CHAOS_DURATION=$duration BUQUET_CHAOS_TASKS=$tasks BUQUET_CHAOS_SEED=$seed BUQUET_CHAOS_REPORT=$report \
BUQUET_CHAOS_WORKERS=${CHAOS_WORKERS:-3} BUQUET_CHAOS_CONCURRENCY=${CHAOS_CONCURRENCY:-8} \
BUQUET_CHAOS_KILL_EVERY=${CHAOS_KILL_EVERY:-5s} BUQUET_CHAOS_FAULTS=${CHAOS_FAULTS:-1} \
BUQUET_CHAOS_LEASE_TTL=${CHAOS_LEASE_TTL:-10s} BUQUET_CHAOS_SIGTERM_SHARE=${CHAOS_SIGTERM_SHARE:-0.25} \
BUQUET_CHAOS_KEEP=${CHAOS_KEEP:-0} BUQUET_CHAOS_REQUIRE_EXEC_LOG=${CHAOS_REQUIRE_EXEC_LOG:-1} \
  dotnet test tests/Buquet.Actors.ChaosTests -c Release --no-build -nologo \
    --filter "FullyQualifiedName~ChaosScenarioTests" --logger "console;verbosity=normal"
rc=$?
set -e
if [ -s "$report" ]; then
  cat "$report"
  if [ "${CHAOS_PUBLISH:-1}" = 1 ]; then
    { echo; cat "$report"; } >> docs/reliability.md
    echo "# report appended to docs/reliability.md" >&2
  fi
else
  echo "# no report written (the run failed before the check; see the output above)" >&2
fi
echo "# seed $seed: exit $rc" >&2
exit $rc
