#!/usr/bin/env python3
"""meetcert deploy against doing it by hand with ssh and scp.

  bench/deploy.py [--meetcert PATH] [--standin PATH] [--reps N] [--hosts N]
                  [--baseline-reps K] [--user NAME]

Starts Meeting Server stand-ins as tests/mmp/rig.sh does (a real OpenSSH
sshd per 127.0.0.x address, mmp-standin (src/standin) as its ForceCommand,
internal-sftp), with MMP_CONNECT_DELAY_MS=0 so that a joining or connecting
database node is Connected at once: what is measured is the tool, not the
stand-in's simulated wait.  Then, in one run, N repetitions (default 5) of:

  meetcert 1 host    `meetcert deploy` of a combined deployment: one server
                     with callbridge+webadmin+webbridge3 (a resilient
                     deployment of one host is refused by `meetcert plan`:
                     the database cluster needs 3 to 5 nodes)
  meetcert 3 hosts   (to compare like with like) a resilient deployment of
                     three such servers, all three database nodes
  meetcert N hosts   a resilient deployment of N (default 8) such servers,
                     three of them database nodes (primary and two peers),
                     the rest database=connect
  baseline 1 host,   what the lab does by hand, as one `sh -e` script: one
  baseline N hosts   `scp` per file and one `ssh HOST COMMAND` per MMP
                     command of the plan (`meetcert plan --format json`),
                     host after host, phase after phase (every host's phase
                     0, then phase 1 ...); `database cluster remove` is
                     answered by `printf 'Y\\n' |` (the stand-in reads the
                     answer from stdin)
  baseline+CM        the same script with OpenSSH connection sharing
                     (ControlMaster=auto, ControlPersist=yes, `ssh -O exit`
                     at the end), a competent admin's shortcut: one TCP+SSH
                     handshake per host

The baseline of N hosts logs in once per file and per command (214 logins
for 8 hosts, about a minute here): it runs --baseline-reps times (default
3, at most --reps) so that the whole benchmark takes a few minutes; the table
says how many runs each median is of.

The OpenSSH clients run as rig.sh's rig_ssh_opts do: -F /dev/null -i ID,
UserKnownHostsFile, BatchMode=yes.  Each run starts on empty stand-ins (new
files directories and a new shared cluster file; the sshds stay up, as a
server's does) and a fresh copy of a pristine workspace (so its steps state
is new) and known_hosts file.  The scenarios alternate within a repetition,
so drift on the machine hits all of them.  Every run is checked: meetcert's
exit status is 0 and every host says ok; the script's too, with no FAILURE,
Invalid command or Aborted, and each remove answered; then for all of them
each host's `webadmin`, `webbridge3` and `callbridge` screens show the
planned files and `database cluster status` shows every node Connected (one
ssh session a host, in the stand-in's shell mode, not timed).

Wall time is from start to exit, under GNU time (`/usr/bin/time -v`), which
also gives meetcert's peak RSS and the client's CPU time (meetcert's, or the
script's ssh and scp processes: not a ControlMaster's, a daemon).  "SSH
logins" counts the sshds' "Accepted publickey" lines.  "busy" is how busy
the machine's CPUs were during the run (/proc/stat, everything on the
machine): the clients and every stand-in share them here, where a real
deployment gives each server its own.

sshd runs every session's command through the login shell of the account,
and Debian's bash reads ~/.bashrc for a command sent over ssh: an overhead
per session that a Meeting Server's MMP login does not have.  As root, the
stand-ins log in as rig.sh's mmptest (/bin/sh, home /) when it exists;
--user picks another account.

After the timed runs, one more run of each meetcert scenario is traced: its
progress lines timestamped as they come, to show where the time goes.
"""
import argparse
import json
import os
import pwd
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
ADDR_BASE = 170                    # 127.0.0.171 ... (the tests use .5x)
ROLES = "callbridge+webadmin+webbridge3"

# Everything to undo, by recorded id: sshd listeners, the process group of
# the command being run, ControlMaster sockets.
_sshds = []                        # Popen
_running = []                      # Popen started with start_new_session
_control_paths = []
LOGIN = {}                         # the account the sessions run as
MAKE_REPEATS = {}                  # workspace -> runs of meetcert make


class Fail(Exception):
    pass


def _on_signal(sig, frame):
    raise KeyboardInterrupt(f"signal {sig}")


def user():
    return LOGIN["name"]


def choose_login(name):
    if name is None:
        name = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            try:
                pwd.getpwnam("mmptest")
                name = "mmptest"
            except KeyError:
                pass
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        raise Fail(f"--user {name}: no such user")
    if pw.pw_uid != os.getuid() and os.getuid() != 0:
        raise Fail(f"--user {name}: only root can run stand-ins as another "
                   "user")
    LOGIN.update(name=name, uid=pw.pw_uid, gid=pw.pw_gid, shell=pw.pw_shell)
    rc = os.path.join(pw.pw_dir, ".bashrc")
    LOGIN["warning"] = (
        f"{name}'s login shell is bash and {rc} exists: sshd's bash reads it "
        "for every session, an overhead per ssh connection that a real MMP "
        "does not have (--user with a /bin/sh account avoids it)"
        if os.path.basename(pw.pw_shell) == "bash" and os.path.exists(rc)
        else "")


# ---- the rig (tests/mmp/rig.sh, the few lines needed)

class Host:
    def __init__(self, root, n, standin):
        self.name = f"cms{n}"
        self.fqdn = f"{self.name}.example.com"
        self.addr = f"127.0.0.{ADDR_BASE + n}"
        self.dir = os.path.join(root, "rig", self.name)
        self.files = os.path.join(self.dir, "files")
        self.key = os.path.join(self.dir, "host_key")
        self.log = os.path.join(self.dir, "sshd.log")
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
        text = ""
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
""")
            with open(self.log, "w") as err:
                p = subprocess.Popen([SSHD, "-D", "-e", "-f", conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=err,
                                     start_new_session=True)
            _sshds.append(p)
            for _ in range(250):                          # up to 5 s
                with open(self.log) as f:
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
        """An empty stand-in: a new files directory."""
        shutil.rmtree(self.files)
        os.mkdir(self.files)
        if LOGIN["uid"] != os.getuid():
            os.chown(self.files, LOGIN["uid"], LOGIN["gid"])

    def sessions(self):
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/"
                      "children") as f:
                return f.read().split()
        except OSError:
            return []

    def logins(self):
        with open(self.log) as f:
            return f.read().count("Accepted publickey")


def reset_rig(root, hosts):
    for h in hosts:
        h.reset()
    cluster = os.path.join(root, "rig", "cluster.json")
    if os.path.exists(cluster):
        os.unlink(cluster)
    with open(cluster, "w"):          # empty: an empty cluster
        pass
    os.chmod(cluster, 0o666)          # every host's stand-in writes it


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


def stop_masters():
    """ControlMasters left running (the script failed or was stopped):
    asked to exit, then stopped by the pid they report."""
    for cp in list(_control_paths):
        if os.path.exists(cp):
            base = ["ssh", "-F", "/dev/null", "-o", f"ControlPath={cp}"]
            r = subprocess.run(base + ["-O", "check", "x"],
                               capture_output=True, text=True, timeout=10)
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


def settle(hosts):
    """Waits until no session of any stand-in is left (up to 5 s)."""
    for _ in range(250):
        if not any(h.sessions() for h in hosts):
            return
        time.sleep(0.02)
    raise Fail("sessions still open on the stand-ins after the run")


def ssh_opts(root):
    return ["-F", "/dev/null", "-i", os.path.join(root, "id"),
            "-o", f"UserKnownHostsFile={os.path.join(root, 'known_hosts')}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR"]


def cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]                         # idle, iowait
    return sum(v) - idle, sum(v)


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
                MAKE_REPEATS[f"{len(hosts)} hosts"] = attempt + 1
                continue
            break
        if r.returncode != 0:
            raise Fail(f"{shlex.join(argv)}: exit {r.returncode}\n"
                       f"{r.stdout}{r.stderr}")
    r = subprocess.run([meetcert, "plan", ws, "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail(f"meetcert plan {ws}: exit {r.returncode}: {r.stderr}")
    return d, json.loads(r.stdout)


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
    opts = ssh_opts(root)
    if control:
        opts += ["-o", "ControlMaster=auto", "-o", "ControlPersist=yes",
                 "-o", f"ControlPath={os.path.join(root, 'cm', '%h-%p')}"]
    lines = []
    ph = plan["hosts"]
    for p in ph:                       # one scp per file, host after host
        h = by_name[p["label"]]
        for f in p["files"]:
            lines.append(shlex.join(["scp", "-q"] + opts +
                                    ["-P", str(h.port), f,
                                     f"{user()}@{h.addr}:{f}"]))
    phases = sorted({s["phase"] for p in ph for s in p["steps"]})
    for phase in phases:               # one ssh per command
        for p in ph:
            h = by_name[p["label"]]
            for s in p["steps"]:
                if s["phase"] != phase:
                    continue
                argv = shlex.join(["ssh"] + opts + [
                    "-p", str(h.port), f"{user()}@{h.addr}", s["command"]])
                if s.get("confirm"):
                    lines.append(f"printf '%s\\n' {shlex.quote(s['confirm'])}"
                                 f" | {argv}")
                else:
                    lines.append(f"{argv} </dev/null")
    if control:
        for p in ph:
            h = by_name[p["label"]]
            lines.append(shlex.join(["ssh"] + opts + [
                "-p", str(h.port), "-O", "exit", f"{user()}@{h.addr}"]) +
                " 2>/dev/null")
    return "\n".join(lines) + "\n"


# ---- checks

def check_deployed(root, hosts, plan):
    """What is wrong on the stand-ins after a run (empty: nothing).  One
    ssh session a host, all at once, each in the stand-in's shell mode:
    its webadmin, webbridge3 and callbridge screens, and on the last host
    database cluster status."""
    problems = []
    by_name = {h.name: h for h in hosts}
    labels = [p["label"] for p in plan["hosts"]]
    ndb = sum(1 for p in plan["hosts"]
              if any(s["command"] == "database cluster status"
                     for s in p["steps"]))
    screens = ["webadmin", "webbridge3", "callbridge"]
    procs = {}
    for n in labels:
        h = by_name[n]
        cmds = screens + (["database cluster status"]
                          if ndb and n == labels[-1] else [])
        p = subprocess.Popen(["ssh", "-T"] + ssh_opts(root) +
                             ["-p", str(h.port), f"{user()}@{h.addr}"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
        _running.append(p)
        procs[n] = (p, "\n".join(cmds + ["exit"]) + "\n")
    outs = {}
    for n, (p, text) in procs.items():
        try:
            outs[n] = p.communicate(text, timeout=30)[0]
        finally:
            stop_group(p)
            _running.remove(p)
    for n in labels:
        answers = outs[n].split(f"{n}> ")[1:]
        for k, (label, value) in enumerate((
                ("Key file", f"{n}.key"),
                ("HTTPS Full chain certificate file", f"{n}-fullchain.pem"),
                ("Certificate file", f"{n}.crt"))):
            if k >= len(answers) or not re.search(
                    rf"^{re.escape(label)} *: {re.escape(value)}$",
                    answers[k], re.M):
                problems.append(f"{n}: `{screens[k]}` does not show "
                                f"{label} : {value}:\n{outs[n]}")
    if ndb:
        answers = outs[labels[-1]].split(f"{labels[-1]}> ")[1:]
        status = answers[3] if len(answers) > 3 else ""
        got = len(re.findall(r": Connected", status))
        if got != ndb:
            problems.append(f"database cluster status: {got} of {ndb} nodes "
                            f"Connected:\n{status}")
    return problems


# ---- running

def timed(argv, out_path, cwd):
    """argv under GNU time -v in its own process group: wall seconds, exit
    status, peak RSS (kB), user+sys seconds, machine CPU busy fraction."""
    tfile = out_path + ".time"
    with open(out_path, "w") as out:
        b0, t0 = cpu_times()
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
        b1, t1 = cpu_times()
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
    return wall, code, rss, cpu, (b1 - b0) / max(t1 - t0, 1)


def deploy_argv(meetcert, root, ws, kh):
    return [meetcert, "deploy", os.path.join(ws, "cms.json"),
            "--known-hosts", kh, "--identity", os.path.join(root, "id"),
            "--ssh-config", "none", "--no-agent"]


def mmp_commands(ws, hosts):
    """Commands meetcert sent, from its transcripts: host -> list."""
    got = {}
    for h in hosts:
        with open(os.path.join(ws, "transcripts", f"{h.name}.log")) as f:
            got[h.name] = re.findall(rf"^{h.name}> (\S.*)$", f.read(), re.M)
    return got


def run_scenario(sc, root, hosts, meetcert, rep):
    used = sc["hosts"]
    reset_rig(root, hosts)
    ws, kh = fresh_copy(sc["pristine"], root, sc["tag"])
    out = os.path.join(ws, "out.txt")
    logins0 = sum(h.logins() for h in hosts)
    if sc["tool"] == "meetcert":
        argv = deploy_argv(meetcert, root, ws, kh)
    else:
        argv = ["sh", "-e", sc["script"]]
    wall, code, rss, cpu, busy = timed(argv, out, cwd=ws)
    stop_masters()
    settle(hosts)
    logins = sum(h.logins() for h in hosts) - logins0
    with open(out) as f:
        text = f.read()
    where = f"{sc['name']} run {rep}"
    problems = []
    if code != 0:
        problems.append(f"exit status {code}:\n{text[-2000:]}")
    if sc["tool"] == "meetcert":
        for h in used:
            if not re.search(rf"^{h.name}: ok \(", text, re.M):
                problems.append(f"no '{h.name}: ok' line")
        if not problems:
            sc["mmp_commands"] = sum(len(v) for v in
                                     mmp_commands(ws, used).values())
    else:
        bad = [ln for ln in text.splitlines()
               if re.match(r"(FAILURE|Invalid command|Aborted)", ln)]
        if bad:
            problems.append(f"the MMP said: {bad[:5]}")
        removes = sum(1 for p in sc["plan"]["hosts"] for s in p["steps"]
                      if s["command"] == "database cluster remove")
        said = text.count("SUCCESS: Node removed from database cluster")
        if said != removes:
            problems.append(f"{said} of {removes} database cluster removes "
                            "answered")
    if not problems:
        problems = check_deployed(root, hosts, sc["plan"])
    shutil.rmtree(ws)
    if problems:
        raise Fail("\n".join(f"{where}: {p}" for p in problems))
    sc["logins"] = logins
    return wall, rss, cpu, busy


def trace(sc, root, hosts, meetcert):
    """One meetcert run, its progress lines timestamped as they come."""
    reset_rig(root, hosts)
    ws, kh = fresh_copy(sc["pristine"], root, sc["tag"] + "-trace")
    events = []
    start = time.perf_counter()
    p = subprocess.Popen(deploy_argv(meetcert, root, ws, kh),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True,
                         start_new_session=True)
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
    sent = mmp_commands(ws, sc["hosts"])
    shutil.rmtree(ws)

    steps = {ph["label"]: ph["steps"] for ph in sc["plan"]["hosts"]}
    first = {}                          # phase -> its first line
    per = {h.name: {} for h in sc["hosts"]}
    for t, ln in events:
        m = re.match(r"(cms\d+): (connecting|upload|check|\[(\d+)/\d+\]|"
                     r"waiting:|done$)", ln)
        if not m:
            continue
        host, what = m.group(1), m.group(2).split()[0]
        if m.group(3):
            first.setdefault(steps[host][int(m.group(3)) - 1]["phase"], t)
            what = "step"
        elif what == "waiting:":
            first.setdefault(steps[host][-1]["phase"], t)
            what = "step"
        per[host].setdefault("first " + what, t)
        per[host]["last " + what] = t
    marks = sorted(first.items())
    done = max(v["first done"] for v in per.values())

    def med(a, b):
        return statistics.median(v[b] - v[a] for v in per.values())
    rows = [
        ("connect (SSH, shell, pki list)", med("first connecting",
                                                "first upload")),
        ("uploads (SFTP) and pki list", med("first upload", "first check")),
        ("checks (pki match, pki verify) until the last one starts",
         med("first check", "last check")),
    ]
    ready = sorted(v["last check"] for v in per.values())
    lines = ["each host, median over hosts:"]
    lines += [f"  {what:58} {t:6.2f}s" for what, t in rows]
    if len(ready) > 1:
        lines.append(f"  {'last check starts: first / median / last host':58}"
                     f" {ready[0]:.2f} / {statistics.median(ready):.2f} / "
                     f"{ready[-1]:.2f}s")
    lines.append("the run, between barriers:")
    lines.append(f"  {'start to phase ' + str(marks[0][0]):58} "
                 f"{marks[0][1]:6.2f}s")
    for k, (ph, t) in enumerate(marks):
        nxt = marks[k + 1][1] if k + 1 < len(marks) else done
        what = f"phase {ph}"
        if k + 1 == len(marks):
            what += " (to the last host's done)"
        lines.append(f"  {what:58} {nxt - t:6.2f}s")
    lines.append(f"  {'last done to exit':58} {end - done:6.2f}s")
    polls = [sum(c == "database cluster status" for c in v)
             for v in sent.values()]
    counts = sorted(len(v) for v in sent.values())
    lines.append(f"MMP commands per host: {counts[0]}..{counts[-1]}" +
                 (f"; database cluster status sent per host "
                  f"{min(polls)}..{max(polls)} (each one past the first is "
                  "a 500 ms sleep)" if any(polls) else ""))
    return end, lines


# ---- main

def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 4)[4])
    ap.add_argument("--meetcert", default=os.environ.get(
        "MEETCERT", "./meetcert"))
    ap.add_argument("--standin", default=os.environ.get(
        "MMP_STANDIN", "./mmp-standin"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--baseline-reps", type=int, default=3,
                    help="runs of the slow baseline of N hosts (one ssh "
                    "login per command, about a minute each here; default "
                    "3, at most --reps)")
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--user", help="the account the stand-ins' sessions "
                    "run as (default: mmptest when root and it exists, "
                    "else you)")
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
    if not 3 <= a.hosts <= 80 or a.reps < 1 or a.baseline_reps < 1:
        sys.exit("bench: --hosts 3..80 (three are database nodes), "
                 "--reps at least 1")
    try:
        choose_login(a.user)
    except Fail as e:
        sys.exit(f"bench: {e}")

    began = time.perf_counter()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    root = tempfile.mkdtemp(prefix="mcb-")   # short: the ControlPath
    hosts = []
    try:
        if os.getuid() == 0:
            os.makedirs("/run/sshd", exist_ok=True)
        for sub in ("rig", "ws", "runs", "cm"):
            os.makedirs(os.path.join(root, sub))
        os.chmod(root, 0o711)           # the login user reaches id.pub, rig/
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
        _control_paths.extend(os.path.join(root, "cm", f"{h.addr}-{h.port}")
                              for h in hosts)

        N = a.hosts
        one, plan1 = make_workspace(meetcert, root, "one", hosts[:1],
                                    "combined")
        many, plann = make_workspace(meetcert, root, "many", hosts,
                                     "resilient")
        if N > 3:
            three, plan3 = make_workspace(meetcert, root, "three",
                                          hosts[:3], "resilient")
        cases = [
            ("meetcert 1 host", "meetcert", one, plan1, hosts[:1]),
            (f"meetcert {N} hosts", "meetcert", many, plann, hosts),
            ("baseline 1 host", "ssh", one, plan1, hosts[:1]),
            (f"baseline {N} hosts", "ssh", many, plann, hosts),
            (f"baseline+ControlMaster {N} hosts", "cm", many, plann, hosts),
        ]
        if N > 3:
            cases.insert(1, ("meetcert 3 hosts", "meetcert", three, plan3,
                             hosts[:3]))
        scenarios = []
        for name, tool, pristine, plan, used in cases:
            sc = {"name": name, "tool": tool, "pristine": pristine,
                  "hosts": used, "plan": plan,
                  "tag": re.sub(r"\W+", "-", name), "walls": [], "rss": [],
                  "cpu": [], "busy": [], "reps": a.reps}
            if name == f"baseline {N} hosts":
                sc["reps"] = min(a.reps, a.baseline_reps)
            if tool != "meetcert":
                sc["script"] = os.path.join(root, sc["tag"] + ".sh")
                with open(sc["script"], "w") as f:
                    f.write(baseline_script(root, hosts, plan, tool == "cm"))
                sc["mmp_commands"] = sum(len(p["steps"])
                                         for p in plan["hosts"])
            scenarios.append(sc)

        print(f"bench/deploy.py: {N} stand-in Meeting Servers (sshd + "
              f"mmp-standin on 127.0.0.{ADDR_BASE + 1}..{ADDR_BASE + N}), "
              f"{a.reps} runs of each, {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.2f} at the start")
        print(f"MMP_CONNECT_DELAY_MS=0 on every stand-in: a joining or "
              "connecting database node is Connected at once, so what is "
              "timed is the tool's work, not the stand-in's simulated wait")
        print(f"the stand-ins' sessions log in as {user()} (login shell "
              f"{LOGIN['shell']})")
        if LOGIN["warning"]:
            print(f"WARNING: {LOGIN['warning']}")
        for what, k in MAKE_REPEATS.items():
            print(f"note: setting up the {what} workspace, `meetcert make` "
                  f"stopped with 'too many files' (exit 2) and took {k} "
                  "runs (64 files at most per run, src/core/make.c); "
                  "not timed")
        sys.stdout.flush()

        for sc in scenarios:            # warm-up, untimed; checked too
            if sc["tool"] == "meetcert":
                run_scenario(sc, root, hosts, meetcert, "warm-up")
        for rep in range(1, a.reps + 1):
            order = scenarios if rep % 2 else scenarios[::-1]
            for sc in order:
                if rep > sc["reps"]:
                    continue
                w, rss, cpu, busy = run_scenario(sc, root, hosts, meetcert,
                                                 rep)
                sc["walls"].append(w)
                sc["rss"].append(rss)
                sc["cpu"].append(cpu)
                sc["busy"].append(busy)
            print(f"  run {rep}: " + ", ".join(
                f"{sc['name']} {sc['walls'][-1]:.2f}s" for sc in scenarios
                if rep <= sc["reps"]), flush=True)

        med = {sc["name"]: statistics.median(sc["walls"]) for sc in scenarios}
        print(f"\nmedian of the runs (min..max); every run checked: "
              "exit 0, each host's webadmin, webbridge3 and callbridge "
              "screens show the planned files, every database node "
              "Connected\n")
        print(f"| {'scenario':31} | {'runs':>4} | {'median':>8} | {'min..max':>13} | "
              f"{'peak RSS':>8} | {'client CPU':>10} | {'busy':>4} | "
              f"{'SSH logins':>10} | {'MMP cmds':>8} | {'files':>5} |")
        print(f"|{'-' * 33}|{'-' * 6}|{'-' * 10}|{'-' * 15}|{'-' * 10}|{'-' * 12}|"
              f"{'-' * 6}|{'-' * 12}|{'-' * 10}|{'-' * 7}|")
        for sc in scenarios:
            rss = (f"{statistics.median(sc['rss']) / 1024:6.1f}MB"
                   if sc["tool"] == "meetcert" else "")
            files = sum(len(p["files"]) for p in sc["plan"]["hosts"])
            print(f"| {sc['name']:31} | {len(sc['walls']):4} | "
                  f"{med[sc['name']]:7.2f}s | "
                  f"{min(sc['walls']):5.2f}..{max(sc['walls']):5.2f}s | "
                  f"{rss:>8} | {statistics.median(sc['cpu']):9.2f}s | "
                  f"{statistics.median(sc['busy']) * 100:3.0f}% | "
                  f"{sc['logins']:10} | {sc['mmp_commands']:8} | "
                  f"{files:5} |")
        m1 = med["meetcert 1 host"]
        mn = med[f"meetcert {N} hosts"]
        b1, bn = med["baseline 1 host"], med[f"baseline {N} hosts"]
        cn = med[f"baseline+ControlMaster {N} hosts"]
        print()
        print(f"meetcert {N} hosts / meetcert 1 host:  {mn / m1:6.2f}x  "
              f"(target: within 1.5x; "
              f"{'met' if mn / m1 <= 1.5 else 'NOT met'})")
        print(f"baseline {N} hosts / meetcert {N} hosts: {bn / mn:6.2f}x  "
              f"(target: at least 5x; "
              f"{'met' if bn / mn >= 5 else 'NOT met'})")
        print(f"baseline+ControlMaster {N} hosts / meetcert {N} hosts: "
              f"{cn / mn:6.2f}x")
        print(f"baseline 1 host / meetcert 1 host: {b1 / m1:6.2f}x")
        if N > 3:
            print(f"meetcert {N} hosts / meetcert 3 hosts (both resilient):"
                  f" {mn / med['meetcert 3 hosts']:6.2f}x")
        print(f"1 host is a combined deployment ({len(plan1['hosts'][0]['steps'])}"
              f" steps, {len(plan1['hosts'][0]['files'])} files, one phase); "
              f"{'3 and ' if N > 3 else ''}{N} hosts resilient ones (16 steps and 10-12 files a "
              "host, 7 phases with a barrier before each)")
        print("MMP cmds: the commands sent; meetcert's from its transcripts, "
              "with its pki list, pki match/verify checks and status reads")
        print("busy: the machine's CPUs during the run (everything on it, "
              "the stand-ins too); client CPU: GNU time's user+sys")

        print("\nwhere meetcert's time goes: one more run of each, its "
              "progress lines timestamped")
        for sc in scenarios:
            if sc["tool"] != "meetcert":
                continue
            end, lines = trace(sc, root, hosts, meetcert)
            print(f"  {sc['name']}: {end:.2f}s")
            for ln in lines:
                print(f"    {ln}")
        print(f"\nbench/deploy.py took {time.perf_counter() - began:.0f}s; "
              f"load {os.getloadavg()[0]:.2f} at the end")
    except Fail as e:
        print(f"bench: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        for p in list(_running):
            stop_group(p)
        try:
            stop_masters()
        except Exception as e:          # go on cleaning up
            print(f"bench: stopping ControlMasters: {e}", file=sys.stderr)
        for p in _sshds:
            stop_proc(p)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
