#!/usr/bin/env python3
"""meetcert deploy against doing it by hand with ssh and scp.

  bench/deploy.py [--meetcert PATH] [--standin PATH] [--reps N] [--hosts N]

Starts Meeting Server stand-ins as tests/mmp/rig.sh does (a real OpenSSH
sshd per 127.0.0.x address, tests/mmp/mmp-standin as its ForceCommand,
internal-sftp), with MMP_CONNECT_DELAY_MS=0 so that a joining or connecting
database node is connected at once: what is measured is the tool, not the
stand-in's simulated wait.  Then, in one run, N repetitions (default 5) of:

  meetcert 1 host    `meetcert deploy` of a combined deployment, one server
                     with callbridge+webadmin+webbridge3 (a resilient one of
                     one host is refused by `meetcert plan`: the database
                     cluster needs 3 to 5 nodes)
  meetcert N hosts   `meetcert deploy` of a resilient deployment of N servers
                     with those roles, three of them database nodes (primary
                     and two peers), the rest database=connect
  baseline 1 host,   what the lab does by hand, as one `sh -e` script: one
  baseline N hosts   `scp` per file and one `ssh HOST COMMAND` per MMP
                     command of the plan (`meetcert plan --format json`), host
                     after host, phase after phase; `database cluster remove`
                     answered with `printf 'Y\\n' |`
  baseline+CM        the same script with ssh connection sharing
                     (ControlMaster=auto, ControlPersist), a competent
                     admin's shortcut: one TCP+SSH handshake per host

Each run starts on empty stand-ins (new directories and a new shared
cluster file; the sshds stay up, as a server's does) and a fresh copy of a
pristine workspace (so its steps state is new) and known_hosts file.  The
scenarios alternate within a repetition, so drift on the machine hits all
of them.  Every run is checked: meetcert's exit status is 0 and every host
says ok; for all of them, each host's `webadmin`, `webbridge3` and
`callbridge` screens (over ssh, afterwards) show the planned files, and
`database cluster status` shows every node Connected.

Wall time is from start to exit, under GNU time (`/usr/bin/time -v`), which
also gives meetcert's peak RSS.  "server CPU" is the CPU time the stand-ins'
sshd session processes and stand-ins used during the run (the listeners'
cutime+cstime), "client CPU" that of meetcert or of the script's ssh/scp
(not a ControlMaster's: it is a daemon).  All of it shares this machine's
CPUs: on real deployments each server's side runs on its own machine.

After the timed runs, one more meetcert run of each size is traced: the
progress lines timestamped as they come, to show where the time goes
(connect+upload+checks, then each phase between barriers).
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SSHD = "/usr/sbin/sshd"
GNU_TIME = "/usr/bin/time"
ADDR_BASE = 170                    # 127.0.0.171 ... (tests use .5x)
ROLES = "callbridge+webadmin+webbridge3"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Everything to undo, by recorded id: sshd listeners, the process group of
# the command being timed, ControlMaster sockets.
_sshds = []                        # Popen
_running = []                      # Popen started with start_new_session
_control_paths = []
MAKE_REPEATS = {}                  # workspace -> runs of meetcert make


class Fail(Exception):
    pass


def _on_signal(sig, frame):
    raise KeyboardInterrupt(f"signal {sig}")


# ---- the rig (tests/mmp/rig.sh, the few lines needed)

class Host:
    def __init__(self, root, n, standin):
        self.name = f"cms{n}"
        self.fqdn = f"{self.name}.example.com"
        self.addr = f"127.0.0.{ADDR_BASE + n}"
        self.dir = os.path.join(root, "rig", self.name)
        self.files = os.path.join(self.dir, "files")
        self.key = os.path.join(self.dir, "host_key")
        self.root = root
        self.standin = standin
        self.port = None
        self.proc = None
        os.makedirs(self.files)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                        "-C", self.name, "-f", self.key], check=True)

    def start(self):
        user_key = os.path.join(self.root, "id.pub")
        cluster = os.path.join(self.root, "rig", "cluster.json")
        for _ in range(20):
            with socket.socket() as s:        # a free port on this address
                s.bind((self.addr, 0))
                port = s.getsockname()[1]
            conf = os.path.join(self.dir, "sshd_config")
            with open(conf, "w") as f:
                f.write(f"""ListenAddress {self.addr}:{port}
HostKey {self.key}
PidFile none
StrictModes no
SetEnv MMP_HOST={self.name} MMP_DIR={self.files} MMP_ADDR={self.addr} \
MMP_CLUSTER={cluster} MMP_CONNECT_DELAY_MS=0
ForceCommand {self.standin}
Subsystem sftp internal-sftp
AuthorizedKeysFile {user_key}
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
MaxStartups 100:30:200
""")
            log = os.path.join(self.dir, "sshd.log")
            with open(log, "w") as err:
                p = subprocess.Popen([SSHD, "-D", "-e", "-f", conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=err,
                                     start_new_session=True)
            _sshds.append(p)
            for _ in range(250):                          # up to 5 s
                with open(log) as f:
                    text = f.read()
                if "Server listening" in text:
                    self.port, self.proc = port, p
                    return
                if p.poll() is not None:
                    break
                time.sleep(0.02)
            stop_proc(p)
            _sshds.remove(p)
            if "bind" not in text.lower():
                raise Fail(f"{self.name}: sshd did not start:\n{text}")
        raise Fail(f"{self.name}: no free port on {self.addr}")

    def reset(self):
        """Empty stand-in: a new files directory."""
        shutil.rmtree(self.files)
        os.mkdir(self.files)

    def children(self):
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/"
                      "children") as f:
                return f.read().split()
        except OSError:
            return []

    def reaped_cpu(self):
        """CPU seconds of the sessions this sshd has reaped so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / CLK_TCK  # cutime, cstime


def stop_proc(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def stop_group(p):
    """A command started with start_new_session: its whole group."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def ssh_opts(root, h):
    return ["-F", "/dev/null", "-i", os.path.join(root, "id"),
            "-o", f"UserKnownHostsFile={os.path.join(root, 'known_hosts')}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR"]


def user():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def stop_masters(root, hosts):
    """ControlMasters left running (after a failure or Ctrl-C): asked to
    exit, then stopped by the pid they report."""
    for cp in list(_control_paths):
        if not os.path.exists(cp):
            _control_paths.remove(cp)
            continue
        base = ["ssh", "-F", "/dev/null", "-o", f"ControlPath={cp}"]
        r = subprocess.run(base + ["-O", "check", "x"], capture_output=True,
                           text=True, timeout=10)
        m = re.search(r"pid=(\d+)", r.stderr + r.stdout)
        subprocess.run(base + ["-O", "exit", "x"], capture_output=True,
                       timeout=10)
        if m:
            pid = int(m.group(1))
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.02)
            else:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        _control_paths.remove(cp)


def settle(hosts):
    """Waits until no session of any stand-in is left (up to 5 s)."""
    for _ in range(250):
        if not any(h.children() for h in hosts):
            return
        time.sleep(0.02)
    raise Fail("sessions still open on the stand-ins after the run")


# ---- workspaces

def make_workspace(meetcert, root, name, hosts, kind):
    d = os.path.join(root, "ws", name)
    os.makedirs(d)
    ws = os.path.join(d, "cms.json")
    args = []
    for i, h in enumerate(hosts):
        roles, db = ROLES, None
        if kind == "resilient":
            db = "primary" if i == 0 else "peer" if i < 3 else "connect"
            if i < 3:
                roles += "+database"
        spec = (f"label={h.name},fqdn={h.fqdn},address={h.addr},"
                f"port={h.port},user={user()},roles={roles}")
        if db:
            spec += f",database={db}"
        args += ["--host", spec]
    extra = ["--cluster-fqdn", "cms.example.com"] if kind == "resilient" \
        else []
    steps = [
        [meetcert, "init", ws, "--type", kind] + args + extra +
        ["--join-url", "join.example.com", "--c2w-address",
         hosts[0].fqdn, "--key", "ec256"],
        [meetcert, "selfsigned", "labca", "CN:Lab Root CA", "--ca", "--key",
         "ec256", "--dir", d],
        [meetcert, "make", ws, "--ca", "labca"],
    ]
    for argv in steps:
        # `meetcert make` loads at most 64 files in one run (struct maker,
        # src/core/make.c): from 7 resilient hosts on it stops with "too
        # many files", exit 2; run again, it goes on where it stopped.
        for attempt in range(1, 6):
            r = subprocess.run(argv, capture_output=True, text=True, cwd=d)
            if r.returncode == 2 and argv[1] == "make" and \
                    "too many files" in r.stderr:
                MAKE_REPEATS[name] = attempt + 1
                continue
            break
        if r.returncode != 0:
            raise Fail(f"{shlex.join(argv)}: exit {r.returncode}\n"
                       f"{r.stdout}{r.stderr}")
    r = subprocess.run([meetcert, "plan", ws, "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail(f"meetcert plan {ws}: exit {r.returncode}: {r.stderr}")
    plan = json.loads(r.stdout)
    errors = [f for f in plan.get("findings", [])
              if isinstance(f, dict) and f.get("level") == "error"]
    if errors:
        raise Fail(f"meetcert plan {ws}: errors {errors}")
    return d, plan


def fresh_copy(pristine, root, tag):
    d = tempfile.mkdtemp(prefix=f"{tag}-", dir=os.path.join(root, "runs"))
    os.rmdir(d)
    shutil.copytree(pristine, d)
    kh = os.path.join(d, "known_hosts")
    shutil.copy(os.path.join(root, "known_hosts"), kh)
    return d, kh


# ---- the baseline script

def baseline_script(root, hosts, plan, control):
    by_name = {h.name: h for h in hosts}
    opts = ssh_opts(root, None)
    if control:
        opts += ["-o", "ControlMaster=auto", "-o", "ControlPersist=yes",
                 "-o", f"ControlPath={os.path.join(root, 'cm', '%h-%p')}"]
    lines = []
    ph = plan["hosts"]

    def ssh(h, cmd, answer=None):
        argv = ["ssh"] + opts + ["-p", str(h.port), f"{user()}@{h.addr}",
                                 cmd]
        pre = f"printf '{answer}\\n' | " if answer else ""
        post = "" if answer else " </dev/null"
        lines.append(f"{pre}{shlex.join(argv)}{post}")

    # upload: one scp per file, host after host
    for p in ph:
        h = by_name[p["label"]]
        for f in p["files"]:
            argv = ["scp", "-q"] + opts + ["-P", str(h.port), f,
                                           f"{user()}@{h.addr}:{f}"]
            lines.append(shlex.join(argv))
    phases = sorted({s["phase"] for p in ph for s in p["steps"]})
    for phase in phases:
        for p in ph:
            h = by_name[p["label"]]
            for s in p["steps"]:
                if s["phase"] == phase:
                    ssh(h, s["command"], s.get("confirm"))
    if control:
        for p in ph:
            h = by_name[p["label"]]
            lines.append(shlex.join(
                ["ssh"] + opts + ["-p", str(h.port), "-O", "exit",
                                  f"{user()}@{h.addr}"]) + " 2>/dev/null")
    return "\n".join(lines) + "\n", len(lines)


# ---- checks

def rig_ssh(root, h, cmd):
    r = subprocess.run(["ssh"] + ssh_opts(root, h) +
                       ["-p", str(h.port), f"{user()}@{h.addr}", cmd],
                       capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return r.stdout + r.stderr


def check_deployed(root, hosts, plan):
    """What is wrong on the stand-ins after a run (empty: nothing)."""
    problems = []
    by_name = {h.name: h for h in hosts}
    for p in plan["hosts"]:
        h = by_name[p["label"]]
        n = h.name
        want = [("webadmin", "Key file", f"{n}.key"),
                ("webbridge3", "HTTPS Full chain certificate file",
                 f"{n}-fullchain.pem"),
                ("callbridge", "Certificate file", f"{n}.crt")]
        screens = {}
        for svc, label, value in want:
            if svc not in screens:
                screens[svc] = rig_ssh(root, h, svc)
            if not re.search(rf"^{re.escape(label)} *: {re.escape(value)}$",
                             screens[svc], re.M):
                problems.append(f"{n}: {svc} does not show {label} : "
                                f"{value}")
    ndb = sum(1 for p in plan["hosts"]
              if any(s["command"].startswith("database cluster status")
                     for s in p["steps"]))
    if ndb:
        out = rig_ssh(root, by_name[plan["hosts"][-1]["label"]],
                      "database cluster status")
        got = len(re.findall(r": Connected", out))
        if got != ndb:
            problems.append(f"database cluster status: {got} of {ndb} nodes "
                            f"Connected:\n{out}")
    return problems


# ---- running

def timed(argv, out_path, cwd=None):
    """Runs argv under GNU time -v in its own process group: wall seconds,
    exit status, peak RSS (kB), user+sys seconds."""
    tfile = out_path + ".time"
    with open(out_path, "w") as out:
        start = time.perf_counter()
        p = subprocess.Popen([GNU_TIME, "-v", "-o", tfile] + argv, cwd=cwd,
                             stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT,
                             start_new_session=True)
        _running.append(p)
        try:
            p.wait()
        finally:
            stop_group(p)
            _running.remove(p)
        wall = time.perf_counter() - start
    with open(tfile) as f:
        t = f.read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                        t).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", t)
                    .group(1)) for k in ("User", "System"))
    code = p.returncode
    m = re.search(r"Command exited with non-zero status (\d+)", t)
    if m:
        code = int(m.group(1))
    return wall, code, rss, cpu


def run_scenario(sc, root, hosts, meetcert, rep):
    used = sc["hosts"]
    for h in hosts:
        h.reset()
    cluster = os.path.join(root, "rig", "cluster.json")
    if os.path.exists(cluster):
        os.unlink(cluster)
    ws, kh = fresh_copy(sc["pristine"], root, sc["tag"])
    out = os.path.join(ws, "out.txt")
    cpu0 = sum(h.reaped_cpu() for h in hosts)
    if sc["tool"] == "meetcert":
        argv = [meetcert, "deploy", os.path.join(ws, "cms.json"),
                "--known-hosts", kh, "--identity", os.path.join(root, "id"),
                "--ssh-config", "none", "--no-agent"]
    else:
        argv = ["sh", "-e", sc["script"]]
    wall, code, rss, cpu = timed(argv, out, cwd=ws)
    stop_masters(root, hosts)
    settle(hosts)
    server_cpu = sum(h.reaped_cpu() for h in hosts) - cpu0
    with open(out) as f:
        text = f.read()
    where = f"{sc['name']} rep {rep}"
    problems = []
    if code != 0:
        problems.append(f"{where}: exit status {code}:\n{text[-2000:]}")
    if sc["tool"] == "meetcert":
        for h in used:
            if not re.search(rf"^{h.name}: ok \(", text, re.M):
                problems.append(f"{where}: no '{h.name}: ok' line")
        cmds = 0
        tdir = os.path.join(ws, "transcripts")
        for h in used:
            with open(os.path.join(tdir, f"{h.name}.log")) as f:
                cmds += len(re.findall(rf"^{h.name}> \S", f.read(), re.M))
        sc["mmp_commands"] = cmds
    else:
        bad = [ln for ln in text.splitlines()
               if re.match(r"(FAILURE|Invalid command|Aborted)", ln)]
        if bad:
            problems.append(f"{where}: the MMP said: {bad[:5]}")
    problems += [f"{where}: {p}" for p in check_deployed(root, hosts,
                                                         sc["plan"])]
    shutil.rmtree(ws)
    if problems:
        raise Fail("\n".join(problems))
    return wall, rss, cpu, server_cpu


def trace(sc, root, hosts, meetcert):
    """One meetcert run with its progress lines timestamped."""
    for h in hosts:
        h.reset()
    cluster = os.path.join(root, "rig", "cluster.json")
    if os.path.exists(cluster):
        os.unlink(cluster)
    ws, kh = fresh_copy(sc["pristine"], root, sc["tag"] + "-trace")
    argv = [meetcert, "deploy", os.path.join(ws, "cms.json"),
            "--known-hosts", kh, "--identity", os.path.join(root, "id"),
            "--ssh-config", "none", "--no-agent"]
    events = []
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         text=True, start_new_session=True)
    _running.append(p)
    try:
        for line in p.stdout:
            events.append((time.perf_counter() - start, line.rstrip("\n")))
        p.wait()
    finally:
        stop_group(p)
        _running.remove(p)
    end = time.perf_counter() - start
    settle(hosts)
    if p.returncode != 0:
        raise Fail(f"trace {sc['name']}: exit {p.returncode}:\n" +
                   "\n".join(ln for _, ln in events[-20:]))
    polls = {}
    tdir = os.path.join(ws, "transcripts")
    for h in sc["hosts"]:
        with open(os.path.join(tdir, f"{h.name}.log")) as f:
            polls[h.name] = len(re.findall(
                rf"^{h.name}> database cluster status", f.read(), re.M))
    shutil.rmtree(ws)

    phase_of = {}
    for ph in sc["plan"]["hosts"]:
        for i, s in enumerate(ph["steps"], 1):
            phase_of[(ph["label"], i)] = s["phase"]
    first = {}      # phase -> first event time
    last_prep = {}  # host -> time of its last upload/check line
    for t, ln in events:
        m = re.match(r"(cms\d+): \[(\d+)/\d+\] ", ln)
        w = re.match(r"(cms\d+): waiting: ", ln)
        if m:
            ph = phase_of[(m.group(1), int(m.group(2)))]
        elif w:
            ph = max(s["phase"] for s in
                     next(x for x in sc["plan"]["hosts"]
                          if x["label"] == w.group(1))["steps"])
        else:
            c = re.match(r"(cms\d+): (upload|check|connecting)", ln)
            if c:
                last_prep[c.group(1)] = t
            continue
        first.setdefault(ph, t)
    done = [t for t, ln in events if re.match(r"cms\d+: done$", ln)]
    marks = sorted(first.items())
    rows = [("connect, upload, check (until phase "
             f"{marks[0][0]} starts)", marks[0][1])]
    for k, (ph, t) in enumerate(marks):
        nxt = marks[k + 1][1] if k + 1 < len(marks) else max(done)
        rows.append((f"phase {ph}", nxt - t))
    rows.append(("after the last host is done, to exit", end - max(done)))
    prep = sorted(last_prep.values())
    return end, rows, prep, polls


# ---- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--meetcert", default=os.environ.get(
        "MEETCERT", "./meetcert"))
    ap.add_argument("--standin", default=os.environ.get(
        "MMP_STANDIN", "./tests/mmp/mmp-standin"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--hosts", type=int, default=8)
    a = ap.parse_args()
    meetcert = os.path.abspath(a.meetcert)
    standin = os.path.abspath(a.standin)
    for path, what in ((meetcert, "--meetcert"), (standin, "--standin"),
                       (SSHD, "sshd"), (GNU_TIME, "GNU time")):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} ({what}): not there or not executable")
    for tool in ("ssh", "scp", "ssh-keygen"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is not installed")
    if a.hosts < 3 or a.hosts > 80 or a.reps < 1:
        sys.exit("bench: --hosts 3..80 (three are database nodes), "
                 "--reps at least 1")

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    root = tempfile.mkdtemp(prefix="mcb-")   # short: ControlPath limit
    hosts = []
    try:
        if os.getuid() == 0:
            os.makedirs("/run/sshd", exist_ok=True)
        for sub in ("rig", "ws", "runs", "cm"):
            os.makedirs(os.path.join(root, sub))
        os.chmod(os.path.join(root, "cm"), 0o700)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                        "bench", "-f", os.path.join(root, "id")], check=True)
        for n in range(1, a.hosts + 1):
            hosts.append(Host(root, n, standin))
            hosts[-1].start()
        with open(os.path.join(root, "known_hosts"), "w") as kh:
            for h in hosts:
                with open(h.key + ".pub") as f:
                    kt, kb = f.read().split()[:2]
                kh.write(f"[{h.addr}]:{h.port} {kt} {kb}\n")

        one, _ = make_workspace(meetcert, root, "one", hosts[:1], "combined")
        many, _ = make_workspace(meetcert, root, "many", hosts, "resilient")
        N = a.hosts
        scenarios = []
        for name, tool, pristine, used, kind in (
                ("meetcert 1 host", "meetcert", one, hosts[:1], "combined"),
                (f"meetcert {N} hosts", "meetcert", many, hosts,
                 "resilient"),
                ("baseline 1 host", "ssh", one, hosts[:1], None),
                (f"baseline {N} hosts", "ssh", many, hosts, None),
                (f"baseline+ControlMaster {N} hosts", "cm", many, hosts,
                 None)):
            r = subprocess.run([meetcert, "plan",
                                os.path.join(pristine, "cms.json"),
                                "--format", "json"], capture_output=True,
                               text=True, check=True)
            sc = {"name": name, "tool": tool, "pristine": pristine,
                  "hosts": used, "plan": json.loads(r.stdout),
                  "tag": re.sub(r"\W+", "-", name), "walls": [], "rss": [],
                  "cpu": [], "scpu": []}
            if tool != "meetcert":
                text, nlines = baseline_script(root, hosts, sc["plan"],
                                               tool == "cm")
                sc["script"] = os.path.join(root, sc["tag"] + ".sh")
                with open(sc["script"], "w") as f:
                    f.write(text)
                sc["mmp_commands"] = sum(len(p["steps"])
                                         for p in sc["plan"]["hosts"])
                sc["scp"] = sum(len(p["files"]) for p in sc["plan"]["hosts"])
                if tool == "cm":
                    _control_paths.extend(
                        os.path.join(root, "cm", f"{h.addr}-{h.port}")
                        for h in hosts)
            scenarios.append(sc)
        saved_paths = list(_control_paths)

        print(f"bench/deploy.py: {N} stand-in Meeting Servers (sshd + "
              f"mmp-standin on 127.0.0.{ADDR_BASE + 1}..), "
              f"{a.reps} repetitions, {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.2f}", flush=True)
        for name, k in MAKE_REPEATS.items():
            print(f"note: setting up the {name!r} workspace, meetcert make "
                  f"stopped with 'too many files' (exit 2) and needed {k} "
                  "runs (a 64-file limit in src/core/make.c); not timed")
        print("MMP_CONNECT_DELAY_MS=0 on every stand-in: a joining or "
              "connecting database node is Connected at once (the real wait "
              "is the server's, not the tool's)\n", flush=True)

        # warm-up (untimed): page cache, sshd, the stand-in
        for sc in scenarios[:2]:
            run_scenario(sc, root, hosts, meetcert, "warm-up")
        for rep in range(1, a.reps + 1):
            order = scenarios if rep % 2 else scenarios[::-1]
            for sc in order:
                _control_paths[:] = saved_paths
                w, rss, cpu, scpu = run_scenario(sc, root, hosts, meetcert,
                                                 rep)
                sc["walls"].append(w)
                sc["rss"].append(rss)
                sc["cpu"].append(cpu)
                sc["scpu"].append(scpu)
            print(f"  rep {rep}: " + ", ".join(
                f"{sc['name']} {sc['walls'][-1]:.2f}s" for sc in scenarios),
                flush=True)

        med = {sc["name"]: statistics.median(sc["walls"]) for sc in scenarios}
        print(f"\nmedian of {a.reps} (min..max); every run checked: exit 0, "
              "each host's webadmin/webbridge3/callbridge screens show the "
              "planned files, every database node Connected\n")
        print(f"| {'scenario':33} | {'median':>8} | {'min..max':>13} | "
              f"{'peak RSS':>8} | {'client CPU':>10} | {'server CPU':>10} | "
              f"{'MMP cmds':>8} | {'scp':>4} |")
        print(f"|{'-' * 35}|{'-' * 10}|{'-' * 15}|{'-' * 10}|{'-' * 12}|"
              f"{'-' * 12}|{'-' * 10}|{'-' * 6}|")
        for sc in scenarios:
            rss = (f"{statistics.median(sc['rss']) / 1024:6.1f}MB"
                   if sc["tool"] == "meetcert" else "")
            scp = str(sc.get("scp", "sftp"))
            print(f"| {sc['name']:33} | {med[sc['name']]:7.2f}s | "
                  f"{min(sc['walls']):5.2f}..{max(sc['walls']):5.2f}s | "
                  f"{rss:>8} | {statistics.median(sc['cpu']):9.2f}s | "
                  f"{statistics.median(sc['scpu']):9.2f}s | "
                  f"{sc['mmp_commands']:8} | {scp:>4} |")
        m1, mn = med["meetcert 1 host"], med[f"meetcert {N} hosts"]
        bn = med[f"baseline {N} hosts"]
        cn = med[f"baseline+ControlMaster {N} hosts"]
        b1 = med["baseline 1 host"]
        print()
        print(f"meetcert {N} hosts / meetcert 1 host: {mn / m1:5.2f}x  "
              f"(target within 1.5x: {'met' if mn / m1 <= 1.5 else 'NOT met'})")
        print(f"baseline {N} hosts / meetcert {N} hosts: {bn / mn:5.2f}x  "
              f"(target at least 5x: {'met' if bn / mn >= 5 else 'NOT met'})")
        print(f"baseline+ControlMaster {N} hosts / meetcert {N} hosts: "
              f"{cn / mn:5.2f}x")
        print(f"baseline 1 host / meetcert 1 host: {b1 / m1:5.2f}x")
        print("1 host is a combined deployment (11 steps, 6 files, no "
              f"database phases); {N} hosts a resilient one (16 steps and "
              "10-12 files a host, 7 phases with barriers)")
        print("MMP cmds: commands sent (meetcert's from its transcripts: "
              "pki list, pki match/verify checks, status reads and polls "
              "included)")

        print(f"\nwhere meetcert's time goes: one more run each, progress "
              "lines timestamped")
        for sc in scenarios[:2]:
            end, rows, prep, polls = trace(sc, root, hosts, meetcert)
            print(f"  {sc['name']}: {end:.2f}s")
            for what, t in rows:
                print(f"    {what:45} {t:6.2f}s")
            if len(prep) > 1:
                print(f"    hosts' last upload/check line: first "
                      f"{prep[0]:.2f}s, median {statistics.median(prep):.2f}s,"
                      f" last {prep[-1]:.2f}s")
            if any(polls.values()):
                print("    database cluster status sent per host: " +
                      " ".join(f"{k}={v}" for k, v in polls.items()) +
                      " (more than 1: a 500 ms poll sleep each)")
    except Fail as e:
        print(f"bench: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for p in list(_running):
            stop_group(p)
        try:
            stop_masters(root, hosts)
        except Exception as e:          # keep cleaning up
            print(f"bench: stopping ControlMasters: {e}", file=sys.stderr)
        for p in _sshds:
            stop_proc(p)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
