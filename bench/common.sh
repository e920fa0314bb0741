# common.sh — what the benchmark scripts share, sourced by them: checking tools,
# the work directory, and timing a command with its peak RSS.
#   need TOOL PACKAGE...   stop with a message naming the Debian package when TOOL is missing
#   workdir                set WORK: BENCH_DIR (kept), else a temporary one (removed at exit)
#   run NAME COMMAND...    time COMMAND; append "NAME|seconds|peak RSS KiB" to $RESULTS

TIME=/usr/bin/time

need() {
    command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is needed (apt-get install $2)" >&2; exit 2; }
}

workdir() {
    if [ -n "${BENCH_DIR:-}" ]; then
        WORK=$BENCH_DIR
        mkdir -p "$WORK"
    else
        WORK=$(mktemp -d)
        trap 'rm -rf "$WORK"' EXIT
    fi
}

run() {
    name=$1
    shift
    "$TIME" -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
    set -- $(tail -n 1 "$WORK/time")
    echo "$name|$1|$2" >> "$RESULTS"
}
