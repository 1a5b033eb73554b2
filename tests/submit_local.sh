#!/usr/bin/env bash
# A stand-in for a cluster's submit command (sbatch, qsub): runs the job script here, in
# the background, and prints a job id, as snakemake-executor-plugin-cluster-generic expects.
jobscript="${@: -1}"
bash "$jobscript" > /dev/null 2>&1 &
echo "local-$!"
