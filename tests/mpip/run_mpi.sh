#!/bin/sh
# Runs an MPI program on 2 ranks with each rank's timemory output in <outdir>/rank-<rank>, then
# a checker on <outdir>. A hung job is killed after 120 s.
#   run_mpi.sh <mpiexec> <outdir> <preload library or -> <checker + args or -> -- <program> [args]
mpiexec=$1 outdir=$2 preload=$3 checker=$4
shift 4
[ "$1" = "--" ] && shift
rm -rf "$outdir" && mkdir -p "$outdir" || exit 1
set --  sh -c 'TIMEMORY_OUTPUT_PATH="$0/rank-${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}" exec "$@"' \
    "$outdir" "$@"
flags=""
if "$mpiexec" --version 2>/dev/null | grep -q "Open MPI"; then
    flags="--oversubscribe"
    [ "$preload" != "-" ] && flags="$flags -x LD_PRELOAD=$preload"
elif [ "$preload" != "-" ]; then
    export LD_PRELOAD="$preload"  # MPICH's mpiexec passes its environment on
fi
# shellcheck disable=SC2086
timeout -k 5 120 "$mpiexec" $flags -np 2 "$@" || { echo "mpiexec failed: $?"; exit 1; }
unset LD_PRELOAD
[ "$checker" = "-" ] && exit 0
# shellcheck disable=SC2086
exec $checker
