#!/usr/bin/env bash
# Outcomes benchmark: the responder table (threshold 30 %, by biologic and chronicity) at the four
# milestones over a synthetic registry (`schwann synth`), timed in Schwann (GET
# /api/v1/outcomes/responders on a running `schwann serve`) and in DuckDB (@duckdb/node-api) over a
# CSV export of the same tables, side by side in one run; the two must agree count for count.
#
#   bench/outcomes.sh                                  # 10,000 and 100,000 patients
#   BENCH_SIZES="10000 100000 1000000" bench/outcomes.sh
#
# Settings (environment): BENCH_SIZES ("10000 100000"), BENCH_SEED (1), BENCH_CACHE
# (/tmp/schwann-bench-outcomes: the registries and their exports, kept by size, seed and the
# generator's source, so a second run skips the synth), BENCH_WARM (3: warm repeats per
# milestone, the median reported), BENCH_BY ("biologic,chronicity"; "split" asks by=biologic and
# by=chronicity separately, for a server without two-variable strata), BENCH_BIN (./schwann),
# BENCH_SCHWANN_MAX (100000: above it DuckDB runs alone; the engine as it stands reads every
# reading of the registry into memory on each request, 1.5 GB at 100,000 patients).
# Results go to bench/out/outcomes.txt; the synth and export times to bench/out/outcomes-load.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"10000 100000"}
SEED=${BENCH_SEED:-1}
CACHE=${BENCH_CACHE:-/tmp/schwann-bench-outcomes}
WARM=${BENCH_WARM:-3}
BY=${BENCH_BY:-biologic,chronicity}
BIN=${BENCH_BIN:-./schwann}
SCHWANN_MAX=${BENCH_SCHWANN_MAX:-100000}
OUT=bench/out

for tool in node sqlite3; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
[ -d node_modules/@duckdb/node-api ] || npm ci --silent --no-audit --no-fund
[ -n "${BENCH_BIN:-}" ] || make --no-print-directory schwann >/dev/null
mkdir -p "$OUT" "$CACHE"
SERVER_PID=

stop_server() {
	[ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=; return 0; }
	kill -TERM "$SERVER_PID"
	for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

free_port() {
	node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# The generator's source names the cache entry: a changed model makes a new registry.
GEN=$(cat core/synth.c core/synth_records.c | sha1sum | cut -c1-10)
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "schwann: $(git rev-parse --short HEAD 2>/dev/null || echo ?) ($BIN); sqlite $(sqlite3 --version | cut -d' ' -f1); duckdb $(node -p "require('@duckdb/node-api/package.json').version")"
	echo
} | tee "$OUT/outcomes.txt" >"$OUT/outcomes-load.txt"

status=0
for N in $SIZES; do
	DB=$CACHE/synth-$N-seed$SEED-$GEN.db
	EXPORT=$CACHE/export-$N-seed$SEED-$GEN
	if [ ! -f "$DB.done" ]; then
		rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.audit-key" "$DB.done"
		echo "synth: $N patients (seed $SEED) into $DB"
		"$BIN" synth --db "$DB" --patients "$N" --seed "$SEED" | tee -a "$OUT/outcomes-load.txt"
		touch "$DB.done"
	fi
	if [ ! -f "$EXPORT/done" ]; then
		rm -rf "$EXPORT"
		mkdir -p "$EXPORT"
		start=$(date +%s.%N)
		# The tables the rules read, as they are (the filters are DuckDB's to apply), but for
		# procedures: only injections, the one kind the report reads.
		sqlite3 -readonly -bail "$DB" <<-EOF
			.headers on
			.mode csv
			.once $EXPORT/injections.csv
			SELECT patient_id, plan_id, performed_on, created_at, status FROM procedures WHERE kind = 'injection';
			.once $EXPORT/plans.csv
			SELECT id, biologic, condition_id FROM plans;
			.once $EXPORT/conditions.csv
			SELECT id, onset_date FROM conditions;
			.once $EXPORT/diary.csv
			SELECT patient_id, entry_date, nrs, status FROM diary_entries;
			.once $EXPORT/assessments.csv
			SELECT patient_id, instrument_id, performed_at, total, status FROM assessments;
		EOF
		echo "export: $N patients to CSV in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s, $(du -sm "$EXPORT" | cut -f1) MB" |
			tee -a "$OUT/outcomes-load.txt"
		touch "$EXPORT/done"
	fi
	if [ "$N" -gt "$SCHWANN_MAX" ]; then
		node bench/outcomes.mjs - - - "$EXPORT" "$N" "$WARM" "$BY" | tee -a "$OUT/outcomes.txt"
		echo | tee -a "$OUT/outcomes.txt"
		continue
	fi
	if [ "$(sqlite3 "$DB" "SELECT count(*) FROM staff WHERE email = 'bench@bench.test'")" = 0 ]; then
		echo 'bench-password-1' | "$BIN" user add --db "$DB" --email bench@bench.test \
			--name 'Bench Researcher' --role researcher --password-stdin >/dev/null
	fi
	TOKEN=$("$BIN" token create --db "$DB" --email bench@bench.test --name bench)
	port=$(free_port)
	BASE="http://127.0.0.1:$port"
	"$BIN" serve --db "$DB" --listen "127.0.0.1:$port" --quiet 2>>"$OUT/outcomes-server.log" &
	SERVER_PID=$!
	node -e "
	  const end = Date.now() + 60000;
	  (async () => { for (;;) {
	    try { if ((await fetch(process.argv[1] + '/api/v1/health')).ok) return; } catch {}
	    if (Date.now() > end) { console.error('bench: the server did not start'); process.exit(1); }
	    await new Promise((r) => setTimeout(r, 50)); } })();" "$BASE"
	if ! node bench/outcomes.mjs "$BASE" "$TOKEN" "$SERVER_PID" "$EXPORT" "$N" "$WARM" "$BY" |
		tee -a "$OUT/outcomes.txt"; then
		status=1
		kill -0 "$SERVER_PID" 2>/dev/null ||
			echo "  !!! the server died: see the end of $OUT/outcomes-server.log" | tee -a "$OUT/outcomes.txt"
	fi
	stop_server
	echo | tee -a "$OUT/outcomes.txt"
done
exit $status
