"""What Snakemake prints about a failed step, made readable for the editors who read it."""

import re
from pathlib import Path

# How a step's failure begins (the Snakefile raises it, naming the log that says why).
STEP_FAILED = "this step failed"
# How a refusal of the content before any step begins (the Snakefile raises it).
NOTHING_BUILT = "Nothing was built."
SNAKEFILE_FRAME = re.compile(r'\n  File "[^"\n]*Snakefile", line \d+, in \S+')
# The heading Snakemake gives an error the Snakefile raises for an editor: where in the
# Snakefile, which the message is not about.
SNAKEFILE_HEADING = re.compile(r'^(RuleException:\n)?WorkflowError in file "[^"\n]*Snakefile", '
                               r'line \d+:\n')
# How Snakemake's last message after a failed step begins.
JOBS_FAILED = "At least one job did not complete successfully."
# The logs of the steps that failed in this run, in the order they failed.
FAILED_LOGS = []


def readable(record):
    """A logging filter for Snakemake's logger: drop "Cannot restore ...: no backup found",
    which it says of every file of a brief that failed before it was ever built (there was
    nothing to keep); say the Snakefile's errors without the Snakefile's lines, which an
    editor has nothing to do with; and end a failed build with each failed step's errors
    and what to do, read from its log, where the eye falls, in place of Snakemake's
    "At least one job did not complete successfully"."""
    message = record.getMessage()
    if message.startswith("Cannot restore "):
        return False
    if message.startswith("Error in rule "):
        FAILED_LOGS.extend(getattr(record, "log", None) or [])
    if SNAKEFILE_HEADING.match(message):
        message = SNAKEFILE_HEADING.sub("", SNAKEFILE_FRAME.sub("", message))
        record.msg, record.args = message, ()
    elif message.endswith(JOBS_FAILED) and FAILED_LOGS:
        record.msg, record.args = failures(FAILED_LOGS), ()
    return True


def failures(logs):
    """The errors the failed steps' logs give, each with what to do, under one line that
    says the build stopped."""
    errors = [line for log in dict.fromkeys(logs) for line in errors_in(log)]
    return "\n".join(["The build stopped. Fix what is below, then build again (the briefs "
                      "it is in were not built; their files from before, if any, are kept):",
                      *dict.fromkeys(errors)])


def errors_in(log):
    """A failed step's errors from its log: each "error:" line and the lines under it
    (what to do); where it has none, where to read why."""
    try:
        lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    errors, inside = [], False
    for line in lines:
        inside = line.startswith("error: ") or (inside and line.startswith("  "))
        if inside:
            errors.append(line)
    return errors or [f"error: a step failed without saying why here: see {log}, and the "
                      "messages above"]
