#!/usr/bin/env bash
# Hayloft in one command: installs the packages, builds, starts a local cluster
# (namenode on 127.0.0.1:8020, 3 datanodes on 127.0.1.1-3 in 2 racks), generates a
# small sample data set, loads it into the cluster, shows where it went, and counts
# its words with the wordcount MapReduce example (the 10 most frequent words).
# Safe to run again: a running cluster is left alone (missing daemons are
# started), the sample is regenerated identically and overwritten.
#
# Environment: HAYLOFT_BUILD_DIR (default build/), HAYLOFT_CLUSTER_DIR (default
# ~/.hayloft/local), HAYLOFT_SAMPLE_DIR (local copy of the sample, default
# ~/.hayloft/sample).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
BUILD_DIR=${HAYLOFT_BUILD_DIR:-$ROOT/build}
HOME_DIR=${HOME:-/tmp}
CLUSTER_DIR=${HAYLOFT_CLUSTER_DIR:-$HOME_DIR/.hayloft/local}
SAMPLE_DIR=${HAYLOFT_SAMPLE_DIR:-$HOME_DIR/.hayloft/sample}
USER_NAME=${HAYLOFT_USER:-$(id -un)}
DEST=/user/$USER_NAME/sample
HAYLOFT=$BUILD_DIR/bin/hayloft
# The quickstart talks to its own cluster, whatever HAYLOFT_CONF says.
unset HAYLOFT_CONF

step() { printf '\n==> %s\n' "$*"; }

# Writes file $1 with about $2 bytes of text: lines of 6-15 words drawn from a fixed
# list with a skewed (roughly Zipf-like) distribution, from a Park-Miller generator
# seeded with $3. Integer arithmetic stays below 2^53, so every awk gives the same
# bytes.
generate_text() {
  awk -v bytes="$2" -v seed="$3" 'BEGIN {
    n = split("the hay loft barn field harvest farmer tractor bale grain wheat " \
              "barley oats straw rain sun morning evening cow horse sheep goat " \
              "chicken rooster fence gate meadow river stone path road village " \
              "market cart wagon rake scythe sickle plough seed soil root leaf " \
              "tree orchard apple pear plum cherry honey bee milk butter cheese " \
              "bread oven mill wind water well bucket rope ladder beam roof door " \
              "window lamp night star moon cloud storm thunder dry wet green gold " \
              "brown early late long short old new and of to in on with under over", w, " ")
    x = seed % 2147483647; if (x <= 0) x += 2147483646
    written = 0
    while (written < bytes) {
      x = (x * 16807) % 2147483647; words = 6 + x % 10
      line = ""
      for (i = 0; i < words; i++) {
        x = (x * 16807) % 2147483647
        r = x / 2147483647
        k = int(n * r * r * r) + 1
        line = (i == 0) ? w[k] : line " " w[k]
      }
      print line
      written += length(line) + 1
    }
  }' > "$1"
}

step "Installing packages"
deploy/install-deps.sh </dev/null

step "Building ($BUILD_DIR)"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

step "Starting the local cluster ($CLUSTER_DIR)"
"$HAYLOFT" cluster up --dir "$CLUSTER_DIR"

step "Generating the sample data set ($SAMPLE_DIR)"
mkdir -p "$SAMPLE_DIR"
generate_text "$SAMPLE_DIR/fields.txt" 3145728 11
generate_text "$SAMPLE_DIR/barn.txt" 2097152 23
generate_text "$SAMPLE_DIR/orchard.txt" 1048576 37
generate_text "$SAMPLE_DIR/market.txt" 524288 41
ls -l "$SAMPLE_DIR"

step "Loading it into $DEST (1 MiB blocks, so the bigger files span several)"
"$HAYLOFT" fs -mkdir -p "$DEST"
"$HAYLOFT" fs -D dfs.blocksize=1048576 -put -f "$SAMPLE_DIR"/*.txt "$DEST"
"$HAYLOFT" fs -ls "$DEST"

step "Checking it: hayloft fsck / -files -blocks -racks"
"$HAYLOFT" fsck / -files -blocks -racks

step "Counting its words with MapReduce: hayloft jar wordcount.so $DEST $DEST-wordcount"
"$HAYLOFT" fs -rm -r -f -skipTrash "$DEST-wordcount" >/dev/null
"$HAYLOFT" jar "$BUILD_DIR/lib/wordcount.so" -D mapreduce.job.reduces=1 "$DEST" "$DEST-wordcount"
echo
echo "The 10 most frequent words:"
"$HAYLOFT" fs -cat "$DEST-wordcount/part-r-00000" | sort -t "$(printf '\t')" -k2,2nr -k1,1 | head -10

DIR_FLAG=""
if [ "$CLUSTER_DIR" != "$HOME_DIR/.hayloft/local" ]; then DIR_FLAG=" --dir $CLUSTER_DIR"; fi
cat <<EOF

==> Done. The cluster keeps running in the background.
  Put hayloft on your PATH:  export PATH="$BUILD_DIR/bin:\$PATH"
  What runs:     hayloft cluster status$DIR_FLAG
  Daemon logs:   $CLUSTER_DIR/logs/<role>-<index>.log
  Replicas:      $CLUSTER_DIR/datanode-<i>/data/ (files blk_<id>)
  Try the shell:
    hayloft fs -ls -h $DEST
    hayloft fs -cat $DEST/market.txt | head
    hayloft fs -get $DEST/barn.txt /tmp/barn.txt
    hayloft fs -du -h $DEST
    hayloft fsck $DEST -files -blocks -locations
    hayloft dfsadmin -report
    hayloft fs -rm -r $DEST      (moves it to /user/\$USER/.Trash; -skipTrash deletes)
  Web UI (refreshes live; the cluster up output above lists every daemon's page):
    namenode     http://127.0.0.1:9870/   (overview, datanodes, racks, file browser)
    jobtracker   http://127.0.0.1:8088/   (jobs, the job page with its task timeline)
    metrics      http://127.0.0.1:9870/metrics   (Prometheus text, on every daemon)
    WebHDFS      curl -s "http://127.0.0.1:9870/webhdfs/v1$DEST?op=LISTSTATUS"
  MapReduce:     jobtracker 127.0.0.1:8021
    hayloft jar $BUILD_DIR/lib/grep.so $DEST $DEST-grep 'h[a-z]+'
    hayloft job -list all
  Stop it:       hayloft cluster down$DIR_FLAG
  Run the tests: deploy/test.sh
EOF
