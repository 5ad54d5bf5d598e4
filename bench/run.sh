#!/usr/bin/env bash
# Hayloft benchmarks: each one runs its baseline beside Hayloft on the same data in
# the same run, prints a table (figure, Hayloft, baseline, ratio) and writes
# <results-dir>/<name>.json. See bench/README.md for what each one measures.
#
#   bench/run.sh [--quick] [--build-dir DIR] [--only NAME[,NAME...]]
#                [--results-dir DIR] [--work-dir DIR] [--keep]
#
#   --quick        every benchmark at about a tenth of the size (CI smoke run)
#   --build-dir    use this existing build (nothing is built); default: configure
#                  and build a Release build in $HAYLOFT_BENCH_BUILD_DIR
#                  (default <repo>/build-release)
#   --only         run only these: dfs_write dfs_read namenode_ops wordcount
#                  terasort tiny_job
#   --results-dir  where the JSON and summary.md go (default bench/results)
#   --work-dir     where the data, the baselines' files and the cluster live (one
#                  disk for all; default a new dir under ${TMPDIR:-/tmp}, removed
#                  at the end unless --keep)
#
# The cluster is the script's own (`hayloft cluster up --dir <work>/cluster`, 3
# datanodes on 2 racks, 2 workers) on ports chosen by the kernel (port 0), so it
# cannot collide with a developer's cluster on the default ports or with tests; it
# is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ALL_BENCHMARKS=(dfs_write dfs_read namenode_ops wordcount terasort tiny_job)

QUICK=0
BUILD_DIR=""
ONLY=""
RESULTS_DIR="$ROOT/bench/results"
WORK=""
KEEP=0

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --build-dir) BUILD_DIR="${2:?--build-dir needs a directory}"; shift ;;
    --only) ONLY="${2:?--only needs a benchmark name}"; shift ;;
    --results-dir) RESULTS_DIR="${2:?--results-dir needs a directory}"; shift ;;
    --work-dir) WORK="${2:?--work-dir needs a directory}"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

SELECTED=()
if [ -n "$ONLY" ]; then
  IFS=',' read -r -a SELECTED <<<"$ONLY"
  for b in "${SELECTED[@]}"; do
    case " ${ALL_BENCHMARKS[*]} " in
      *" $b "*) ;;
      *) echo "run.sh: unknown benchmark '$b' (one of: ${ALL_BENCHMARKS[*]})" >&2; exit 2 ;;
    esac
  done
else
  SELECTED=("${ALL_BENCHMARKS[@]}")
fi
selected() { case " ${SELECTED[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------------------
# Sizes. --quick: about a tenth.
SEED=42
MiB=$((1 << 20))
if [ "$QUICK" = 1 ]; then
  FILE_BYTES=$((100 * MiB)); TEXT_BYTES=$((100 * MiB)); SORT_RECORDS=1048576
  BLOCK_SIZE=$((16 * MiB)); REPS=1; NN_THREADS=1,4,16,64; NN_SECONDS=0.5; TINY_RUNS=3
else
  FILE_BYTES=$((1024 * MiB)); TEXT_BYTES=$((1024 * MiB)); SORT_RECORDS=10737418
  BLOCK_SIZE=$((128 * MiB)); REPS=3; NN_THREADS=1,4,16,64; NN_SECONDS=5; TINY_RUNS=10
fi
REDUCES=2  # one per core

# ---------------------------------------------------------------------------
# Helpers

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# Seconds since the epoch, microsecond resolution.
now() { echo "$EPOCHREALTIME"; }
# calc EXPR: floating-point arithmetic (awk).
calc() { awk "BEGIN { printf \"%.6g\", $* }"; }
# median of the arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# timed CMD...: runs CMD, sets ELAPSED to its wall time in seconds.
timed() {
  local t0 t1
  t0=$(now)
  "$@"
  t1=$(now)
  ELAPSED=$(calc "$t1 - $t0")
}

build() {
  if [ -n "$BUILD_DIR" ]; then
    BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"
    log "using the existing build in $BUILD_DIR (not rebuilt)"
    return
  fi
  BUILD_DIR="${HAYLOFT_BENCH_BUILD_DIR:-$ROOT/build-release}"
  log "building Release in $BUILD_DIR"
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    local launcher=()
    if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
  fi
  nice ninja -C "$BUILD_DIR" bench_all >&2
}

check_build() {
  local b
  for b in hayloft hayloft-namenode hayloft-datanode hayloft-jobtracker hayloft-worker \
           hayloft-task bench-namenode-load bench-zipf-text bench-sort-records \
           bench-random-bytes bench-word-count; do
    [ -x "$BIN/$b" ] || die "$BIN/$b is missing: build the bench_all target first"
  done
  for b in wordcount terasort; do
    [ -f "$LIB/$b.so" ] || die "$LIB/$b.so is missing: build the bench_all target first"
  done
}

cleanup() {
  local rc=$?
  local pid
  # Only this shell's own background jobs (a socat or iperf3 server left waiting).
  for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
  if [ -n "${CLUSTER:-}" ] && [ -f "$CLUSTER/cluster.conf" ]; then
    "$BIN/hayloft" cluster down --dir "$CLUSTER" >/dev/null 2>&1 || true
  fi
  if [ -n "${WORK:-}" ] && [ "$KEEP" = 0 ] && [ "${WORK_IS_OURS:-0}" = 1 ]; then
    rm -rf "$WORK"
  elif [ -n "${WORK:-}" ]; then
    log "kept $WORK"
  fi
  exit "$rc"
}

# hl ARGS...: the hayloft command against the bench cluster.
hl() { "$BIN/hayloft" --conf "$CLUSTER/conf/client.conf" "$@"; }

start_cluster() {
  CLUSTER="$WORK/cluster"
  log "starting a local cluster in $CLUSTER (3 datanodes, 2 racks, 2 workers, kernel-chosen ports)"
  "$BIN/hayloft" \
    -D dfs.namenode.rpc-address=127.0.0.1:0 -D dfs.datanode.address=0.0.0.0:0 \
    -D dfs.namenode.http-address=127.0.0.1:0 -D dfs.datanode.http.address=0.0.0.0:0 \
    -D mapreduce.jobtracker.address=127.0.0.1:0 -D hayloft.worker.address=0.0.0.0:0 \
    -D mapreduce.jobtracker.http.address=127.0.0.1:0 \
    -D mapreduce.tasktracker.http.address=0.0.0.0:0 \
    -D dfs.blocksize="$BLOCK_SIZE" \
    cluster up --datanodes 3 --racks 2 --workers 2 --dir "$CLUSTER" >"$WORK/cluster-up.log" 2>&1 \
    || { cat "$WORK/cluster-up.log" >&2; die "hayloft cluster up"; }
  NAMENODE=$(sed -n 's|^fs.defaultFS=hdfs://||p' "$CLUSTER/conf/client.conf")
  [ -n "$NAMENODE" ] || die "no fs.defaultFS in $CLUSTER/conf/client.conf"
  hl fs -mkdir -p /bench
}

# ---------------------------------------------------------------------------
# Results: each benchmark adds rows, then writes <results>/<name>.json.
#   row BENCH FIGURE UNIT HAYLOFT BASELINE BASELINE_NAME KIND TARGET
# KIND: "higher" (ratio = hayloft / baseline, target is a lower bound),
#       "lower"  (ratio = hayloft / baseline, target is an upper bound),
#       "abs-min" / "abs-max" (no baseline; target bounds the Hayloft figure),
#       "info"   (no target).
ROWS=""
row() {
  local bench="$1" figure="$2" unit="$3" hay="$4" base="$5" base_name="$6" kind="$7" target="$8"
  local ratio="-" ok="-"
  if [ "$base" != "-" ]; then ratio=$(calc "$hay / $base"); fi
  case "$kind" in
    higher) ok=$(awk "BEGIN { print ($ratio >= $target) ? \"yes\" : \"NO\" }") ;;
    lower) ok=$(awk "BEGIN { print ($ratio <= $target) ? \"yes\" : \"NO\" }") ;;
    abs-min) ok=$(awk "BEGIN { print ($hay >= $target) ? \"yes\" : \"NO\" }") ;;
    abs-max) ok=$(awk "BEGIN { print ($hay <= $target) ? \"yes\" : \"NO\" }") ;;
  esac
  ROWS+="$bench	$figure	$unit	$hay	$base	$base_name	$ratio	$kind	$target	$ok"$'\n'
  log "$figure: Hayloft $hay $unit, $base_name $base, ratio $ratio (target $kind $target: $ok)"
}

# write_json BENCH [EXTRA_JSON_FILE]: the rows of BENCH plus run facts.
write_json() {
  local bench="$1" extra="${2:-}"
  mkdir -p "$RESULTS_DIR"
  printf '%s' "$ROWS" | python3 - "$bench" "$RESULTS_DIR/$bench.json" "$extra" "$QUICK" \
      "$LOAD_BEFORE" "$(load_avg)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -)" \
      "$BUILD_DIR" <<'PY'
import json, sys
bench, path, extra, quick, load_before, load_after, commit, build = sys.argv[1:9]
def num(v):
    try:
        return float(v) if v not in ("-", "") else None
    except ValueError:
        return v
rows = []
for line in sys.stdin.read().splitlines():
    f = line.split("\t")
    if f[0] != bench:
        continue
    rows.append({"figure": f[1], "unit": f[2], "hayloft": num(f[3]), "baseline": num(f[4]),
                 "baseline_name": f[5], "ratio": num(f[6]), "target_kind": f[7],
                 "target": num(f[8]), "meets_target": {"yes": True, "NO": False}.get(f[9])})
out = {"benchmark": bench, "quick": quick == "1", "script_commit": commit, "build_dir": build,
       "load_avg_before": load_before, "load_avg_after": load_after, "rows": rows}
if extra:
    with open(extra) as e:
        out["details"] = json.load(e)
with open(path, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
PY
}

begin_bench() {
  LOAD_BEFORE=$(load_avg)
  log "=== $1 (load average $LOAD_BEFORE)"
}

# ---------------------------------------------------------------------------
# Data (deterministic, seeded), made once per run.

make_file() {
  [ -f "$WORK/data/file" ] && return
  mkdir -p "$WORK/data"
  log "generating $FILE_BYTES random bytes (seed $SEED)"
  "$BIN/bench-random-bytes" --bytes "$FILE_BYTES" --seed "$SEED" --out "$WORK/data/file"
}

# The read benchmark's DFS file: replication 1, put untimed if dfs_write did not.
DFS_FILE=/bench/data/file
ensure_dfs_file() {
  make_file
  if ! hl fs -test -e "$DFS_FILE"; then
    hl fs -mkdir -p /bench/data
    hl fs -D dfs.replication=1 -put -f "$WORK/data/file" "$DFS_FILE"
  fi
}

# ---------------------------------------------------------------------------
# 1. DFS write throughput vs dd conv=fsync to the same disk.

bench_dfs_write() {
  begin_bench dfs_write
  make_file
  local mb; mb=$(calc "$FILE_BYTES / 1000000")
  cat "$WORK/data/file" >/dev/null  # the source is read from the page cache by both
  local dd_s=() r1_s=() r3_s=() i
  hl fs -mkdir -p /bench/write /bench/data
  for i in $(seq "$REPS"); do
    # Each timed write starts with no dirty pages left over from the one before.
    sync
    timed dd if="$WORK/data/file" of="$WORK/dd.out" bs=1M conv=fsync status=none
    dd_s+=("$ELAPSED"); rm -f "$WORK/dd.out"; sync
    timed hl fs -D dfs.replication=1 -put -f "$WORK/data/file" /bench/write/r1
    r1_s+=("$ELAPSED"); sync
    timed hl fs -D dfs.replication=3 -put -f "$WORK/data/file" /bench/write/r3
    r3_s+=("$ELAPSED")
    log "write rep $i: dd ${dd_s[-1]} s, replication 1 ${r1_s[-1]} s, replication 3 ${r3_s[-1]} s"
  done
  hl fs -rm -skipTrash /bench/write/r3 >/dev/null
  hl fs -mv /bench/write/r1 "$DFS_FILE" 2>/dev/null || hl fs -rm -skipTrash /bench/write/r1 >/dev/null
  local dd r1 r3
  dd=$(calc "$mb / $(median "${dd_s[@]}")")
  r1=$(calc "$mb / $(median "${r1_s[@]}")")
  r3=$(calc "$mb / $(median "${r3_s[@]}")")
  row dfs_write "write, replication 1 (hayloft fs -put)" MB/s "$r1" "$dd" "dd conv=fsync" higher 0.7
  row dfs_write "write, replication 3 (vs dd/3: 3x the bytes on one disk)" MB/s "$r3" \
      "$(calc "$dd / 3")" "dd conv=fsync / 3" info -
  printf '{"bytes": %s, "reps": %s, "seconds": {"dd": [%s], "replication_1": [%s], "replication_3": [%s]}}\n' \
    "$FILE_BYTES" "$REPS" "$(IFS=,; echo "${dd_s[*]}")" "$(IFS=,; echo "${r1_s[*]}")" \
    "$(IFS=,; echo "${r3_s[*]}")" >"$WORK/dfs_write.details.json"
  write_json dfs_write "$WORK/dfs_write.details.json"
}

# ---------------------------------------------------------------------------
# 2. DFS read throughput vs cat (warm page cache) and a loopback TCP copy (socat).

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listening PORT: until something listens on 127.0.0.1:PORT (at most ~4 s).
wait_listening() {
  local _
  for _ in $(seq 200); do
    [ -n "$(ss -Hltn "sport = :$1")" ] && return 0
    sleep 0.02
  done
  return 1
}

# socat_copy: the file through one loopback TCP connection into /dev/null. The
# receiver listens before the clock starts; the copy ends when the receiver has
# read everything and exited. Sets ELAPSED.
socat_copy() {
  local port; port=$(free_port)
  socat -u -b 131072 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:/dev/null &
  local server=$!
  wait_listening "$port" || die "socat did not listen on port $port"
  local t0; t0=$(now)
  socat -u -b 131072 "FILE:$WORK/data/file" "TCP:127.0.0.1:$port"
  wait "$server"
  ELAPSED=$(calc "$(now) - $t0")
}

bench_dfs_read() {
  begin_bench dfs_read
  ensure_dfs_file
  local mb; mb=$(calc "$FILE_BYTES / 1000000")
  # Warm-up, untimed: both sides read from the page cache, and the DFS copy is checked.
  cat "$WORK/data/file" >/dev/null
  local want got
  want=$(md5sum <"$WORK/data/file" | cut -d' ' -f1)
  got=$(hl fs -cat "$DFS_FILE" | md5sum | cut -d' ' -f1)
  [ "$want" = "$got" ] || die "DFS read returned other bytes (md5 $got, want $want)"
  local cat_s=() tcp_s=() dfs_s=() i
  for i in $(seq "$REPS"); do
    timed cat "$WORK/data/file" >/dev/null; cat_s+=("$ELAPSED")
    socat_copy; tcp_s+=("$ELAPSED")
    timed hl fs -cat "$DFS_FILE" >/dev/null; dfs_s+=("$ELAPSED")
    log "read rep $i: cat ${cat_s[-1]} s, socat ${tcp_s[-1]} s, hayloft ${dfs_s[-1]} s"
  done
  local iperf; iperf=$(iperf3_rate)
  local cat_r tcp_r dfs_r
  cat_r=$(calc "$mb / $(median "${cat_s[@]}")")
  tcp_r=$(calc "$mb / $(median "${tcp_s[@]}")")
  dfs_r=$(calc "$mb / $(median "${dfs_s[@]}")")
  row dfs_read "remote read (hayloft fs -cat) vs loopback TCP copy" MB/s "$dfs_r" "$tcp_r" \
      "socat file->TCP->/dev/null" higher 0.7
  row dfs_read "remote read vs cat, warm page cache" MB/s "$dfs_r" "$cat_r" "cat >/dev/null" info -
  row dfs_read "loopback TCP, memory to memory (reference)" MB/s "$iperf" - "-" info -
  printf '{"bytes": %s, "reps": %s, "page_cache": "warm", "iperf3_MBps": %s, "seconds": {"cat": [%s], "socat": [%s], "hayloft": [%s]}}\n' \
    "$FILE_BYTES" "$REPS" "$iperf" "$(IFS=,; echo "${cat_s[*]}")" "$(IFS=,; echo "${tcp_s[*]}")" \
    "$(IFS=,; echo "${dfs_s[*]}")" >"$WORK/dfs_read.details.json"
  write_json dfs_read "$WORK/dfs_read.details.json"
}

# iperf3's loopback rate in MB/s, memory to memory, as many bytes as the file
# holds (0 if iperf3 failed: it is a reference figure only).
iperf3_rate() {
  local port; port=$(free_port)
  iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  local server=$!
  local out=""
  if wait_listening "$port"; then
    out=$(timeout 120 iperf3 -c 127.0.0.1 -p "$port" -n "$FILE_BYTES" -J 2>/dev/null) || out=""
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  printf '%s' "$out" | python3 -c \
    'import json,sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6))' \
    2>/dev/null || echo 0
}

# ---------------------------------------------------------------------------
# 3. Namenode operations per second.

bench_namenode_ops() {
  begin_bench namenode_ops
  "$BIN/bench-namenode-load" --namenode "$NAMENODE" --threads "$NN_THREADS" \
    --seconds "$NN_SECONDS" --base_dir /bench/nnload >"$WORK/nn.jsonl" \
    || die "bench-namenode-load (see above)"
  python3 - "$WORK/nn.jsonl" "$WORK/namenode_ops.details.json" >"$WORK/nn.rows" <<'PY'
import json, sys
phases = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump({"durable": True, "phases": phases}, open(sys.argv[2], "w"), indent=1)
def rate(op, threads):
    return next((p["ops_per_sec"] for p in phases if p["op"] == op and p["threads"] == threads), 0)
best = max((p for p in phases if p["op"] == "create"), key=lambda p: p["ops_per_sec"])
print("getFileInfo, 16 threads\tops/s\t%.0f\tabs-min\t30000" % rate("getfileinfo", 16))
print("create+close (durable), best thread count (%d)\tops/s\t%.0f\tabs-min\t5000"
      % (best["threads"], best["ops_per_sec"]))
print("mkdir (durable), 16 threads\tops/s\t%.0f\tinfo\t-" % rate("mkdir", 16))
print("listStatus 1000 entries, 16 threads\tops/s\t%.0f\tinfo\t-" % rate("liststatus", 16))
print("rename (durable), 16 threads\tops/s\t%.0f\tinfo\t-" % rate("rename", 16))
print("delete (durable), 16 threads\tops/s\t%.0f\tinfo\t-" % rate("delete", 16))
PY
  local figure unit value kind target
  while IFS=$'\t' read -r figure unit value kind target; do
    row namenode_ops "$figure" "$unit" "$value" - - "$kind" "$target"
  done <"$WORK/nn.rows"
  NN_TABLE=$(python3 - "$WORK/nn.jsonl" <<'PY'
import json, sys
print("| op | threads | ops/s | p50 ms | p99 ms |")
print("|---|---:|---:|---:|---:|")
for l in open(sys.argv[1]):
    p = json.loads(l)
    print("| %s | %d | %.0f | %.3f | %.3f |" % (p["op"], p["threads"], p["ops_per_sec"],
                                               p["p50_us"] / 1000, p["p99_us"] / 1000))
PY
)
  write_json namenode_ops "$WORK/namenode_ops.details.json"
}

# ---------------------------------------------------------------------------
# MapReduce helpers

# part_files DIR: the part-* files of a job output dir, in name order.
part_files() { hl fs -ls "$1" | awk '{ print $NF }' | grep '/part-' | sort; }

# run_job SECONDS_VAR JAR ARGS...: runs `hayloft jar`, sets ELAPSED.
run_job() {
  local lib="$1"; shift
  timed hl jar "$LIB/$lib.so" "$@" >"$WORK/job.log" 2>&1 \
    || { tail -30 "$WORK/job.log" >&2; die "hayloft jar $lib.so $*"; }
}

# ---------------------------------------------------------------------------
# 4. WordCount vs a single-threaded hash-map count.

bench_wordcount() {
  begin_bench wordcount
  mkdir -p "$WORK/data"
  log "generating $TEXT_BYTES bytes of Zipf text (seed $SEED)"
  "$BIN/bench-zipf-text" --bytes "$TEXT_BYTES" --seed "$SEED" --out "$WORK/data/text"
  hl fs -rm -r -f -skipTrash /bench/wc >/dev/null 2>&1 || true
  hl fs -mkdir -p /bench/wc/in
  hl fs -put "$WORK/data/text" /bench/wc/in/text
  cat "$WORK/data/text" >/dev/null  # warm page cache for the baseline
  timed "$BIN/bench-word-count" "$WORK/data/text" "$WORK/wc.baseline"
  local base_s="$ELAPSED"
  run_job wordcount -D mapreduce.job.reduces="$REDUCES" /bench/wc/in /bench/wc/out
  local hay_s="$ELAPSED"
  local f
  for f in $(part_files /bench/wc/out); do hl fs -cat "$f"; done | LC_ALL=C sort >"$WORK/wc.hayloft"
  cmp -s "$WORK/wc.baseline" "$WORK/wc.hayloft" || die "WordCount output differs from the baseline's"
  row wordcount "WordCount, $((TEXT_BYTES / MiB)) MiB Zipf text (wall time)" s "$hay_s" "$base_s" \
      "1-thread hash-map count" lower 2.0
  printf '{"bytes": %s, "reduces": %s, "distinct_words": %s, "output_verified": true}\n' \
    "$TEXT_BYTES" "$REDUCES" "$(wc -l <"$WORK/wc.baseline")" >"$WORK/wordcount.details.json"
  write_json wordcount "$WORK/wordcount.details.json"
  rm -f "$WORK/wc.baseline" "$WORK/wc.hayloft" "$WORK/data/text"
}

# ---------------------------------------------------------------------------
# 5. TeraSort vs GNU sort.

bench_terasort() {
  begin_bench terasort
  mkdir -p "$WORK/data" "$WORK/sort-tmp"
  log "generating $SORT_RECORDS 100-byte records (gensort -a format, seed $SEED)"
  "$BIN/bench-sort-records" --records "$SORT_RECORDS" --seed "$SEED" --out "$WORK/data/records"
  hl fs -rm -r -f -skipTrash /bench/ts >/dev/null 2>&1 || true
  hl fs -mkdir -p /bench/ts/in
  hl fs -put "$WORK/data/records" /bench/ts/in/records
  cat "$WORK/data/records" >/dev/null
  timed env LC_ALL=C sort --parallel=2 -T "$WORK/sort-tmp" -o "$WORK/sorted" "$WORK/data/records"
  local base_s="$ELAPSED"
  run_job terasort -D dfs.replication=1 -D mapreduce.job.reduces="$REDUCES" \
      /bench/ts/in /bench/ts/out
  local hay_s="$ELAPSED"
  local want got f
  want=$(md5sum <"$WORK/sorted" | cut -d' ' -f1)
  got=$(for f in $(part_files /bench/ts/out); do hl fs -cat "$f"; done | md5sum | cut -d' ' -f1)
  [ "$want" = "$got" ] || die "TeraSort output differs from GNU sort's (md5 $got, want $want)"
  row terasort "TeraSort, $SORT_RECORDS records ($((SORT_RECORDS * 100 / 1000000)) MB), output replication 1 (wall time)" s \
      "$hay_s" "$base_s" "LC_ALL=C sort --parallel=2" lower 2.0
  printf '{"records": %s, "reduces": %s, "output_replication": 1, "output_verified": true}\n' \
    "$SORT_RECORDS" "$REDUCES" >"$WORK/terasort.details.json"
  write_json terasort "$WORK/terasort.details.json"
  rm -f "$WORK/sorted" "$WORK/data/records"
}

# ---------------------------------------------------------------------------
# 6. Tiny-job latency: submit to _SUCCESS.

bench_tiny_job() {
  begin_bench tiny_job
  mkdir -p "$WORK/data"
  "$BIN/bench-zipf-text" --bytes 1024 --seed "$SEED" --out "$WORK/data/tiny"
  hl fs -rm -r -f -skipTrash /bench/tiny >/dev/null 2>&1 || true
  hl fs -mkdir -p /bench/tiny
  hl fs -put "$WORK/data/tiny" /bench/tiny/in
  local lat=() wall=() i t0 done_ms
  for i in $(seq "$TINY_RUNS"); do
    t0=$(now)
    run_job wordcount /bench/tiny/in "/bench/tiny/out$i"
    done_ms=$(hl fs -stat %Y "/bench/tiny/out$i/_SUCCESS")
    lat+=("$(calc "$done_ms / 1000 - $t0")")
    wall+=("$ELAPSED")
    log "tiny job $i: submit to _SUCCESS ${lat[-1]} s, command ${wall[-1]} s"
  done
  row tiny_job "tiny job (1 KiB wordcount), submit to _SUCCESS, median of $TINY_RUNS" s \
      "$(median "${lat[@]}")" - - abs-max 1.5
  row tiny_job "tiny job, hayloft jar command wall time, median" s "$(median "${wall[@]}")" - - info -
  printf '{"runs": %s, "submit_to_success_s": [%s], "command_wall_s": [%s]}\n' "$TINY_RUNS" \
    "$(IFS=,; echo "${lat[*]}")" "$(IFS=,; echo "${wall[*]}")" >"$WORK/tiny_job.details.json"
  write_json tiny_job "$WORK/tiny_job.details.json"
}

# ---------------------------------------------------------------------------

print_table() {
  local md="$RESULTS_DIR/summary.md"
  mkdir -p "$RESULTS_DIR"
  {
    echo "Hayloft benchmarks, $( [ "$QUICK" = 1 ] && echo "--quick" || echo "full size"), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
    echo "run.sh at commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -), binaries from $BUILD_DIR"
    echo "Load average at start $START_LOAD, at end $(load_avg)"
    echo
    echo "| benchmark | figure | Hayloft | baseline | ratio | target | met |"
    echo "|---|---|---:|---:|---:|---|---|"
    printf '%s' "$ROWS" | awk -F'\t' '
    function fmt(v) {
      if (v == "-") return v
      if (v >= 100) return sprintf("%.0f", v)
      if (v >= 10) return sprintf("%.1f", v)
      return sprintf("%.2f", v)
    }
    {
      $4 = fmt($4); $5 = fmt($5); $7 = fmt($7)
      t = "-"
      if ($8 == "higher") t = "ratio >= " $9; else if ($8 == "lower") t = "ratio <= " $9
      else if ($8 == "abs-min") t = ">= " $9 " " $3; else if ($8 == "abs-max") t = "<= " $9 " " $3
      base = ($5 == "-") ? "-" : $5 " " $3 " (" $6 ")"
      printf "| %s | %s | %s %s | %s | %s | %s | %s |\n", $1, $2, $4, $3, base, $7, t, $10 }'
    if [ -n "${NN_TABLE:-}" ]; then echo; echo "Namenode operations (one client process, durable):"; echo; echo "$NN_TABLE"; fi
  } >"$md"
  echo
  cat "$md"
  echo
  echo "JSON: $RESULTS_DIR/<benchmark>.json, this table: $md"
}

main() {
  START_LOAD=$(load_avg)
  build
  BIN="$BUILD_DIR/bin"
  LIB="$BUILD_DIR/lib"
  check_build
  if [ -z "$WORK" ]; then
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/hayloft-bench.XXXXXX")
    WORK_IS_OURS=1
  else
    mkdir -p "$WORK"
    WORK="$(cd "$WORK" && pwd)"
    WORK_IS_OURS=0
  fi
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  log "work dir $WORK ($(df -h --output=source,target "$WORK" | tail -1 | tr -s ' '))," \
      "load average $START_LOAD, $( [ "$QUICK" = 1 ] && echo quick || echo full) sizes"
  mkdir -p "$RESULTS_DIR"
  start_cluster
  local b
  for b in "${ALL_BENCHMARKS[@]}"; do
    if selected "$b"; then "bench_$b"; fi
  done
  print_table
}

main
