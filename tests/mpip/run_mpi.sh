#!/bin/sh
# Runs an MPI program on 2 ranks with each rank's own timemory files in <outdir>/<label>-<rank>.<ext>
# (TIMEMORY_PER_RANK_OUTPUT, beside the job's combined files) and what the job printed in
# <outdir>/job.log, then a checker on <outdir>. A hung job is killed after
# 120 s.
#   run_mpi.sh <mpiexec> <outdir> <preload library or -> <checker + args or -> -- <program> [args]
mpiexec=$1 outdir=$2 preload=$3 checker=$4
shift 4
[ "$1" = "--" ] && shift
rm -rf "$outdir" && mkdir -p "$outdir" || exit 1
# Each rank starts through this shell, which sets its output path and preloads the library into
# the program only (not into mpiexec, nor into this shell: a sanitized library cannot be preloaded
# into an uninstrumented program).
set -- sh -c 'p=$1; shift; [ "$p" = - ] || export LD_PRELOAD="$p"
    TIMEMORY_OUTPUT_PATH="$0" TIMEMORY_PER_RANK_OUTPUT=ON exec "$@"' \
    "$outdir" "$preload" "$@"
flags=""
if "$mpiexec" --version 2>/dev/null | grep -q "Open MPI"; then
    flags="--oversubscribe"
fi
timeout -k 5 120 "$mpiexec" $flags -np 2 "$@" > "$outdir/job.log" 2>&1
rc=$?
cat "$outdir/job.log"  # kept for the checker: what the ranks printed
[ $rc -eq 0 ] || { echo "mpiexec failed: $rc"; exit 1; }
[ "$checker" = "-" ] && exit 0
# shellcheck disable=SC2086
exec $checker
