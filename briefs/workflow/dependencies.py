"""What the Snakefile needs beside its plan: Snakemake's process kept from spending time
on timers and garbage collection."""

import atexit
import gc
import threading


def stop_rescheduling_timers():
    """Cancel the timers Snakemake's scheduler leaves behind when the workflow is over
    (see the Snakefile's onsuccess): Python would wait for them before exiting."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def stop_job_rate_limiter(workflow):
    """Snakemake's scheduler without its job-rate limiter, on this machine's cores.

    With the limiter, every scheduling round starts a timer for one more round a timespan
    later, and the round that timer starts does the same: each job that starts or ends
    begins a chain of rounds that lasts until no job is waiting. A 100-brief build ran 2,790
    rounds for 103 jobs, each one going over every waiting job. Without it a round follows
    each job that ends. A cluster keeps it: it limits what is sent to the cluster's queue.
    """
    if workflow.local_exec:
        workflow.scheduler.job_rate_limiter = None


def spare_garbage_collection():
    """Keep Python's cyclic garbage collector off what Snakemake holds now, and off
    everything when it exits.

    Snakemake's modules, and later its plan of the build, live until it exits, yet every
    full collection walks them again, and the last one at exit took 0.8 s after a 200-brief
    build had finished. Frozen objects are never collected; at exit the operating system
    frees them. Called when the Snakefile is read and again when the jobs start.
    """
    gc.freeze()
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
