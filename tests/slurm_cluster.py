"""A one-node SLURM cluster of a test's own, started as root without systemd.

munged, slurmctld and slurmd run in the foreground as children of this process, with
their state, logs, sockets and munge key in a folder of the caller's. Only the
configuration lives outside it, in /etc/slurm/slurm.conf: the srun inside each job reads
it from there (the SLURM plugin's job step removes SLURM_CONF from the environment), so the
one that was there is kept aside and put back. stop() ends exactly what start() started,
by PID: the jobs, then the daemons, then any process they left behind (this process is
their subreaper while the cluster runs, so those become its children).

    python tests/slurm_cluster.py FOLDER -- COMMAND ...    # COMMAND with a cluster up
"""

import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CONF = Path("/etc/slurm/slurm.conf")
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "srun", "squeue", "sinfo", "scontrol", "scancel")
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
UNFINISHED = ("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED")
MARK = "# A one-node test cluster of briefs (tests/slurm_cluster.py); removed when it stops."


def missing():
    """Why a cluster cannot be started here, or '' if it can."""
    if os.geteuid() != 0:
        return "starting SLURM's daemons needs root"
    absent = [name for name in (*DAEMONS, *CLIENTS) if not shutil.which(name)]
    if absent:
        return (f"SLURM is not installed ({', '.join(absent)} missing): apt-get install "
                "slurmctld slurmd slurm-client munge")
    return ""


class Cluster:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.daemons = []  # (name, Popen), in the order they started
        self.kept_conf = None  # the slurm.conf that was there before, as bytes
        self.lock = None
        self.children_before = set()

    def start(self, timeout=30):
        """Start the three daemons and wait until the node takes jobs."""
        for name in ("munge", "state", "spool", "logs"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        self._take_lock(timeout=300)
        self.children_before = _children()
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        try:
            self._write_munge_key()
            self._write_conf()
            self._start("munged", ["munged", "--foreground", "--force",
                                   f"--socket={self.munge_socket}",
                                   f"--key-file={self.folder / 'munge' / 'munge.key'}",
                                   f"--pid-file={self.folder / 'munge' / 'munged.pid'}",
                                   f"--seed-file={self.folder / 'munge' / 'munged.seed'}",
                                   f"--log-file={self.folder / 'logs' / 'munged.log'}"])
            _wait_for(lambda: self.munge_socket.exists(), timeout, "munged's socket",
                      self)
            self._start("slurmctld", ["slurmctld", "-D", "-i"])
            self._start("slurmd", ["slurmd", "-D"])
            _wait_for(self._node_idle, timeout, "the node to be idle", self)
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def munge_socket(self):
        return self.folder / "munge" / "munge.socket"

    def stop(self):
        """Cancel the jobs, end the daemons and what they left, put slurm.conf back."""
        try:
            if self._running("slurmctld"):
                self._cancel_jobs()
            for name, process in reversed(self.daemons):
                _end(process)
            self.daemons = []
            _end_left_behind(self.children_before)
        finally:
            _prctl(PR_SET_CHILD_SUBREAPER, 0)
            if self.lock is not None:  # slurm.conf is ours only while we hold the lock
                self._restore_conf()
                os.close(self.lock)  # which releases it
                self.lock = None

    def jobs(self):
        """Every job the cluster still remembers (for MinJobAge seconds): its id, state,
        processors and comment (which the SLURM plugin fills with the rule or group)."""
        out = self.run(["squeue", "--states=all", "--noheader", "--format=%i|%T|%C|%k"])
        return [dict(zip(("id", "state", "cpus", "comment"), line.split("|", 3)))
                for line in out.splitlines() if line]

    def run(self, command):
        return subprocess.run(command, capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def logs(self):
        """The end of each daemon's log, to say why something failed."""
        parts = []
        for path in sorted((self.folder / "logs").glob("*")):
            parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    # Starting.

    def _take_lock(self, timeout):
        """One test cluster at a time on this machine, as slurm.conf is shared."""
        CONF.parent.mkdir(parents=True, exist_ok=True)
        self.lock = os.open(CONF.parent, os.O_RDONLY)  # a lock on the folder: no file left
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(self.lock)
                    self.lock = None
                    raise RuntimeError(f"another test cluster has held {CONF.parent} "
                                       f"for {timeout} s") from None
                time.sleep(1)

    def _write_munge_key(self):
        key = self.folder / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)

    def _write_conf(self):
        # One a killed test left behind is not kept: it is ours, and out of date.
        if CONF.exists() and not CONF.read_text(errors="replace").startswith(MARK):
            self.kept_conf = CONF.read_bytes()
            (self.folder / "slurm.conf.before").write_bytes(self.kept_conf)
        (self.folder / "plugstack.conf").write_text("")
        CONF.write_text(self.conf())

    def conf(self):
        """slurm.conf for one node: this machine, with the processors and memory slurmd
        finds; MinJobAge keeps finished jobs visible to squeue for five minutes."""
        folder, host = self.folder, socket.gethostname().split(".")[0]
        node = subprocess.run(["slurmd", "-C"], capture_output=True, text=True,
                              check=True).stdout.splitlines()[0]
        controller_port, node_port = _free_ports(2)
        return "\n".join([
            MARK,
            "ClusterName=briefs-test",
            f"SlurmctldHost={host}(127.0.0.1)",
            "SlurmUser=root", "SlurmdUser=root",
            f"SlurmctldPort={controller_port}", f"SlurmdPort={node_port}",
            "AuthType=auth/munge", "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_socket}",
            f"StateSaveLocation={folder / 'state'}",
            f"SlurmdSpoolDir={folder / 'spool'}",
            f"SlurmctldPidFile={folder / 'slurmctld.pid'}",
            f"SlurmdPidFile={folder / 'slurmd.pid'}",
            f"SlurmctldLogFile={folder / 'logs' / 'slurmctld.log'}",
            f"SlurmdLogFile={folder / 'logs' / 'slurmd.log'}",
            f"PlugStackConfig={folder / 'plugstack.conf'}",
            "MailProg=/bin/true",
            # Without cgroups (a container may have none): processes are found by PID.
            "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            # No slurmdbd: sacct cannot answer, so the profile asks squeue.
            "AccountingStorageType=accounting_storage/none", "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core_Memory",
            "MinJobAge=300", "ReturnToService=2",
            f"{node} NodeAddr=127.0.0.1 State=UNKNOWN",
            "PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
            "",
        ])

    def _start(self, name, command):
        """A daemon in the foreground, its output in its log; the kernel ends it if this
        process dies, so that a killed test leaves no daemon behind."""
        with open(self.folder / "logs" / f"{name}.out", "wb") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=log, preexec_fn=_die_with_parent)
        self.daemons.append((name, process))
        (self.folder / f"{name}.pid.started").write_text(f"{process.pid}\n")

    def _running(self, name):
        return any(n == name and p.poll() is None for n, p in self.daemons)

    def _node_idle(self):
        for name, process in self.daemons:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode}\n"
                                   f"{self.logs()}")
        state = subprocess.run(["sinfo", "--noheader", "--format=%T"], capture_output=True,
                               text=True, timeout=10)
        return state.returncode == 0 and state.stdout.strip() == "idle"

    # Stopping.

    def _cancel_jobs(self):
        ids = [job["id"] for job in self.jobs() if job["state"] in UNFINISHED]
        if ids:
            subprocess.run(["scancel", *ids], capture_output=True, timeout=30)
        _wait_for(lambda: not any(job["state"] in UNFINISHED for job in self.jobs()), 60,
                  "the jobs to end", self)

    def _restore_conf(self):
        if CONF.exists() and CONF.read_text(errors="replace").startswith(MARK):
            if self.kept_conf is None:
                CONF.unlink()
            else:
                CONF.write_bytes(self.kept_conf)


def _end(process, grace=10):
    """End one process of ours by its PID: politely, then for good."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _end_left_behind(before, grace=10):
    """End the processes the daemons left (job steps), which are now children of this
    process, by their PIDs, and reap them."""
    deadline = time.monotonic() + grace
    while (left := _children() - before) and time.monotonic() < deadline:
        for pid in left:
            _reap(pid)
        time.sleep(0.2)
    for pid in _children() - before:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(pid, block=True)


def _reap(pid, block=False):
    try:
        os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        pass


def _children():
    """The PIDs of this process's children, zombies included."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            children.add(int(stat.parent.name))
    return children


def _wait_for(condition, timeout, what, cluster):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"waited {timeout} s for {what}\n{cluster.logs()}")
        time.sleep(0.2)


def _free_ports(count):
    """Ports no one listens on now, so that another SLURM on this machine is no matter."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _prctl(option, value):
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def _die_with_parent():
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main(arguments):
    """Start a cluster in FOLDER, run COMMAND, stop the cluster; exit with COMMAND's status."""
    if len(arguments) < 3 or arguments[1] != "--":
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    if reason := missing():
        sys.exit(reason)
    cluster = Cluster(arguments[0]).start()
    try:
        status = subprocess.run(arguments[2:]).returncode
    finally:
        cluster.stop()
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
