"""What Snakemake prints about a failed step, made readable for the editors who read it."""

import re

# How a step's failure begins (the Snakefile raises it, naming the log that says why).
STEP_FAILED = "this step failed"
SNAKEFILE_FRAME = re.compile(r'\n  File "[^"\n]*Snakefile", line \d+, in \S+')


def readable(record):
    """A logging filter for Snakemake's logger: drop "Cannot restore ...: no backup found",
    which it says of every file of a brief that failed before it was ever built (there was
    nothing to keep), and the Snakefile's traceback lines under a failed step, whose log
    follows with the file, line and what to do."""
    message = record.getMessage()
    if message.startswith("Cannot restore "):
        return False
    if STEP_FAILED in message:
        record.msg, record.args = SNAKEFILE_FRAME.sub("", message), ()
    return True
