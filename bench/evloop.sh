#!/usr/bin/env bash
# The h2o engine under wrk on loopback: hello world (GET /api/v1/health, unaudited) and the audited
# GET /api/v1/patients/{id}, at 16 and 256 connections, with 1 and 2 loop threads; then 10,000
# idle keep-alive connections held open (bench/idle.mjs) while health and an audited GET are
# timed, with the server's RSS. Never a timed test: figures go to docs/BENCHMARKS.md by hand.
#
#   bench/evloop.sh                      # about 3 minutes
#   BENCH_DURATION=5s BENCH_PATIENTS=2000 BENCH_LOOPS="1 2" BENCH_CONNS="16 256" BENCH_IDLE=10000
#
# Raw wrk output and the results table go to bench/out/evloop-*.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-5s}
PATIENTS=${BENCH_PATIENTS:-2000}
LOOPS=${BENCH_LOOPS:-"1 2"}
CONNS=${BENCH_CONNS:-"16 256"}
IDLE=${BENCH_IDLE-10000}
THREADS=${BENCH_SERVER_THREADS:-16}
BIN=${BENCH_BIN:-./schwann}
OUT=bench/out
for tool in wrk node; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
[ -x "$BIN" ] || make schwann
mkdir -p "$OUT"
rm -f "$OUT"/evloop-*
TMP=$(mktemp -d /tmp/schwann-evloop.XXXXXX)
SERVER_PID=

stop_server() {
	[ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=; return 0; }
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}
trap 'stop_server; rm -rf "$TMP"' EXIT

free_port() {
	node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
wait_http() {
	node -e "
	  const end = Date.now() + 20000;
	  (async () => { for (;;) {
	    try { if ((await fetch(process.argv[1])).ok) return; } catch {}
	    if (Date.now() > end) process.exit(1);
	    await new Promise((r) => setTimeout(r, 50)); } })();" "$1"
}
field() { grep -o "\"$1\":[0-9.]*" "$2" | head -1 | cut -d: -f2; }
mem() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

start_server() { # loop threads, then extra flags
	local loops=$1
	shift
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --engine h2o --loop-threads "$loops" \
		--threads "$THREADS" --quiet --max-conns-per-ip 20000 "$@" 2>>"$OUT/evloop-server.log" &
	SERVER_PID=$!
	wait_http "$BASE/api/v1/health"
}

DB=$TMP/bench.db
echo 'bench-password-1' | "$BIN" user add --db "$DB" --email bench@bench.test --name 'Bench Admin' \
	--role admin --password-stdin >/dev/null
TOKEN=$("$BIN" token create --db "$DB" --email bench@bench.test --name bench)
start_server 2
echo "loading $PATIENTS patients"
node bench/load.mjs "$BASE" "$TOKEN" "$PATIENTS" "$TMP/ids.txt" 4 >/dev/null
stop_server

RESULTS=$OUT/evloop-results.tsv
printf 'loops\tscenario\tconnections\treq_per_s\tp50_ms\tp99_ms\tnon_2xx\terrors\tVmRSS_MB\n' >"$RESULTS"
echo "/api/v1/health" >"$TMP/health.txt"
for loops in $LOOPS; do
	start_server "$loops"
	for c in $CONNS; do
		for scenario in hello get; do
			raw=$OUT/evloop-l$loops-$scenario-c$c.txt
			if [ $scenario = hello ]; then args=("$TMP/health.txt" - ""); else args=("$TMP/ids.txt" "$TOKEN"); fi
			wrk -t1 -c"$c" -d1s -s bench/get.lua "$BASE" -- "${args[@]}" >/dev/null
			echo "\$ wrk -t1 -c$c -d$DURATION --latency -s bench/get.lua $BASE -- ${args[*]}" >"$raw"
			echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
			wrk -t1 -c"$c" -d"$DURATION" --latency -s bench/get.lua "$BASE" -- "${args[@]}" >>"$raw"
			errs=0
			for e in err_connect err_read err_write err_timeout; do errs=$((errs + $(field "$e" "$raw"))); done
			awk -v l="$loops" -v s="$scenario" -v c="$c" -v rps="$(field rps "$raw")" \
				-v p50="$(field p50_us "$raw")" -v p99="$(field p99_us "$raw")" -v bad="$(field non2xx "$raw")" \
				-v errs="$errs" -v rss="$(mem "$SERVER_PID" VmRSS)" \
				'BEGIN { printf "%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%s\t%s\t%s\n", l, s, c, rps, p50 / 1000, p99 / 1000, bad, errs, rss }' \
				>>"$RESULTS"
			tail -1 "$RESULTS"
		done
	done
	stop_server
done

if [ -n "$IDLE" ] && [ "$IDLE" -gt 0 ]; then
	# Idle keep-alive connections: each sends one request, then nothing (idle timeout raised so
	# that they stay for the measurement).
	start_server 2 --max-conns $((IDLE + 100)) --idle-timeout 600
	echo "rss before: $(mem "$SERVER_PID" VmRSS) MB" | tee "$OUT/evloop-idle.txt"
	node bench/idle.mjs "$PORT" "$IDLE" "$TOKEN" "$(head -1 "$TMP/ids.txt")" "$SERVER_PID" |
		tee -a "$OUT/evloop-idle.txt"
	stop_server
fi
echo
column -t -s "$(printf '\t')" "$RESULTS" | tee "$OUT/evloop-results.txt"
