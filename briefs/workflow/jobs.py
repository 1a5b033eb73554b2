"""The build's job server: a warm process owned by the Snakemake run, one fork per job.

Starting Python and importing WeasyPrint costs about a second, several times the work of
printing a one-page statement. So the Snakefile starts this server as soon as planning
finds something to build (JobServer.start), connected to it by an anonymous socket pair;
the server imports and warms up everything once, beside the rest of the run, then forks a
fresh copy of itself for each job, whose output goes to the job's log. A job is still a
pure function of its inputs: every cache it inherits is keyed by content. Nothing outlives
the run: the server ends when its socket closes (Snakemake exits, however it exits) and
kills the jobs it forked; both ask the kernel to kill them if their parent dies. Temporary
files live in the build's private cache, never in /tmp, in folders named by host and PID:
the server removes a job's as it ends, and the next run those of a server that was killed
(briefs.workflow.leftovers). If the server is gone, a job runs in a process of its own,
within the same limits.

    python -m briefs.workflow.jobs <socket fd> <project> <cache folder> <audience>
    python -m briefs.workflow.jobs --alone <cache folder> <limits as JSON> <request as JSON>

A job is a typed request (briefs.workflow.requests), sent as JSON.
"""

import ctypes
import errno
import gc
import json
import os
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from briefs.files import own_folder
from briefs.workflow import requests
from briefs.workflow.leftovers import remove_dead_processes_folders, remove_process_folders

PR_SET_PDEATHSIG = 1
MESSAGE = 65536


class JobServer:
    """The Snakemake side: starts the server, hands it jobs, stops it."""

    def __init__(self, root, cache, audience):
        self.root, self.cache, self.audience = str(root), Path(cache), audience
        self.process = self.control = None
        self.started = False
        self.lock = threading.Lock()

    def start(self):
        """Start the server without waiting for it: it warms up while the run goes on."""
        self.started = True
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        (self.cache / "logs").mkdir(parents=True, exist_ok=True)
        # Appended to: the servers of cluster jobs running at once share it.
        with open(self.cache / "logs" / "job-server.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-m", "briefs.workflow.jobs", str(theirs.fileno()),
                 self.root, str(self.cache), self.audience], env=same_code(),
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        theirs.close()
        self.control = ours

    def stop(self):
        """End the server and its jobs, even halfway through its warm-up, and wait for it;
        a job after this starts it again."""
        self.started = False
        if self.process is None:
            return
        self.control.close()
        self.process.terminate()  # ours, by its PID
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def run(self, request, log, limits):
        """Run a request (briefs.workflow.requests) as a job writing to log, within limits
        (mem_mb, runtime in minutes); return its exit status, or -N if signal N ended it."""
        with self.lock:
            if not self.started:
                self.start()  # the first job of a run that planned to build no brief
        text = requests.encode(self.root, request)
        with open(log, "wb") as output:
            status = self._ask(text, output, limits) if self.process else None
            if status is not None:
                return status
            if self.process:
                output.write(b"The build's job server has stopped: this job runs in a "
                             b"process of its own.\n")
                output.flush()
            return run_alone(text, output, self.cache, limits)

    def _ask(self, text, output, limits):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with ours:
            try:
                request = json.dumps({"request": text, "limits": limits}).encode()
                with self.lock:
                    socket.send_fds(self.control, [request], [output.fileno(), theirs.fileno()])
                theirs.close()
                answer = ours.recv(64)
            except OSError:
                return None
            finally:
                theirs.close()
        return int(answer) if answer else None


def run_alone(text, output, cache, limits):
    """Run an encoded request in a process of its own within the same limits, with a
    temporary folder of its own in the private cache, removed when it ends."""
    with subprocess.Popen([sys.executable, "-P", "-m", "briefs.workflow.jobs", "--alone",
                           str(cache), json.dumps(limits), text],
                          stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                          env=same_code()) as process:
        process.wait()
    remove_process_folders(cache, process.pid)  # what it left if its limits killed it
    return process.returncode


def same_code():
    """The environment of a process that imports this very package, whatever its working
    folder holds (with python -P, which leaves the working folder out of the path)."""
    package = str(Path(__file__).resolve().parent.parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package + (os.pathsep + path if path else "")}


def explain(status, limits):
    """Why a job that failed failed, when its log cannot say: it was killed."""
    if status >= 0:
        return ""
    number = -status
    name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else ""
    memory = f"; its rule allows {limits['mem_mb']} MB" if limits.get("mem_mb") else ""
    hint = {signal.SIGALRM: f" (longer than the {limits.get('runtime')} minutes it may take)"}
    # SIGTRAP: GLib (under WeasyPrint's Pango) stops a process that cannot allocate so.
    for crash in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGTRAP):
        hint[crash] = f" (out of memory?{memory})"
    return f"killed by signal {number} {name}{hint.get(number, '')}".rstrip()


def private_tmp(cache):
    """A folder for temporary files of this process, in the build's private cache."""
    return own_folder(Path(cache) / "tmp")


# The server side.

def serve(control, root, cache, audience):
    """Warm up, then fork a job for each request until the socket closes."""
    _die_with_parent()
    # Ctrl-C reaches the jobs and Snakemake too; the server only passes it to the jobs it
    # forks afterwards, which never saw it and which Snakemake would wait for.
    interrupted = []
    signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    children = {}  # pid: (reply socket, limits)
    signal.signal(signal.SIGTERM, lambda *_: _shut_down(children, cache))
    remove_dead_processes_folders(cache)
    tmp = private_tmp(cache)
    tempfile.tempdir = os.environ["TMPDIR"] = str(tmp)
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wakeup_read, selectors.EVENT_READ)

    def serve_ready(timeout):
        for key, _ in selector.select(timeout):
            if key.fileobj is control:
                message, fds, _, _ = socket.recv_fds(control, MESSAGE, 2)
                if not message:
                    _shut_down(children, cache)
                _fork_job(control, json.loads(message), fds, children, tmp, interrupted)
            else:
                os.read(wakeup_read, 512)
        _report_ended(children, cache, tmp)

    warm_up(root, cache, audience, control, lambda: serve_ready(0))
    while True:
        serve_ready(None)


def _fork_job(control, request, fds, children, tmp, interrupted):
    """Fork the job with Ctrl-C held back until it is ready for it, and pass it a Ctrl-C
    that came before the fork or while it was held."""
    output, reply = fds
    gc.freeze()  # a job's collections skip what it inherits, which stays shared
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:
        control.close()
        os.close(reply)
        _run_job(request, output, tmp)
    os.close(output)
    children[pid] = (reply, request["limits"])
    if interrupted or signal.SIGINT in signal.sigpending():
        os.kill(pid, signal.SIGINT)  # the job we forked, by its PID
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _report_ended(children, cache, tmp):
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        reply, _ = children.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        # before the answer: once it has it, Snakemake may end and stop the server
        shutil.rmtree(tmp / str(pid), ignore_errors=True)
        remove_process_folders(cache, pid)  # its scratch folder
        try:
            os.write(reply, str(code).encode())
        except OSError:
            pass
        os.close(reply)


def _shut_down(children, cache):
    for pid in children:
        os.kill(pid, signal.SIGKILL)  # the jobs it forked, by their PIDs
    for pid in children:
        os.waitpid(pid, 0)
        remove_process_folders(cache, pid)
    remove_process_folders(cache, os.getpid())
    os._exit(0)


def _run_job(request, output, tmp):
    """In the forked child: become the job, run it, and never return."""
    status = 1
    try:
        _die_with_parent()
        for number in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(-1)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        sys.stdout = os.fdopen(1, "w", closefd=False)
        sys.stderr = os.fdopen(2, "w", closefd=False)
        folder = tmp / str(os.getpid())
        folder.mkdir()
        tempfile.tempdir = os.environ["TMPDIR"] = str(folder)
        gc.disable()  # the process ends with os._exit, which frees its memory whole
        status = run_request(request["request"], request["limits"])
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def run_request(text, limits):
    """Run an encoded request in this process within limits (as JobServer.run takes
    them); return its exit status."""
    status, out_of_memory = 1, False
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held by the server
        _limit(limits)
        status = requests.run(text)
    except KeyboardInterrupt:
        print("Interrupted (Ctrl-C): nothing of this job was kept.", file=sys.stderr)
        status = 130
    except BaseException as error:
        # a traceback would not say why: whatever could not allocate raised it
        out_of_memory = _ran_out_of_memory(error) or _near_memory_limit(limits)
        if not out_of_memory:
            traceback.print_exc()
    if status and (out_of_memory or _near_memory_limit(limits)):
        print(f"This job needed more memory than the {limits['mem_mb']} MB its rule allows "
              "(mem_mb): nothing of it was kept." if limits.get("mem_mb") else
              "This job ran out of memory: nothing of it was kept.", file=sys.stderr)
    return status


def _ran_out_of_memory(error):
    """Whether an error, or one it came from, says that memory ran out."""
    while error is not None:
        if isinstance(error, MemoryError) or (isinstance(error, OSError)
                                              and error.errno == errno.ENOMEM):
            return True
        error = error.__cause__ or error.__context__
    return False


def _near_memory_limit(limits):
    """Whether this process came near its address-space limit: then running out of memory
    is why it failed, whatever error the library that could not allocate raised."""
    if not limits.get("mem_mb"):
        return False
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmPeak:"))
    return peak * 1024 > 0.9 * int(limits["mem_mb"]) * 1024 * 1024


def _limit(limits):
    """The job's memory (address space) and time, as its rule declares them."""
    import resource

    if limits.get("mem_mb"):
        size = int(limits["mem_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if limits.get("runtime"):
        signal.setitimer(signal.ITIMER_REAL, float(limits["runtime"]) * 60)


def _die_with_parent():
    """Ask the kernel to kill this process when its parent ends, and leave at once if
    that has already happened."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent or parent == 1:
        os._exit(1)


def warm_up(root, cache, audience, control, serve_ready):
    """Import and load what the jobs need, so that each forked job starts warm: WeasyPrint
    and the package, the project's print stylesheet and fonts (by printing a small page),
    its case book and the link picture's fonts; between two steps, serve_ready() starts the
    jobs already waiting and reports those that ended, so that an editor's one job need not
    wait for it all.
    Every cache this fills is keyed by content. A project whose files are broken is not
    warmed: its jobs say what is wrong."""
    from briefs.workflow.warm import warm_steps

    try:
        for _ in warm_steps(root, cache, audience):
            if _pending(control):
                gc.collect()  # the warm-up's garbage, which gc.freeze would keep in a job
            serve_ready()
    except Exception:  # only an optimisation: jobs still print, each a little slower
        traceback.print_exc()
    gc.collect()


def _pending(control):
    return bool(select.select([control], [], [], 0)[0])


if __name__ == "__main__" and sys.argv[1] == "--alone":
    _die_with_parent()
    tempfile.tempdir = os.environ["TMPDIR"] = str(private_tmp(sys.argv[2]))
    sys.exit(run_request(sys.argv[4], json.loads(sys.argv[3])))
elif __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])), *sys.argv[2:5])
