#!/usr/bin/env python3
"""The wizard's responsiveness targets, measured in one run.

  bench/tui.py [--meetcert PATH] [--runs N] [--keys N] [--no-tmux]

Each target is one line of the table, with its verdict:

  first frame     `meetcert wizard WS` on a new workspace, started in a
                  pseudo-terminal (80x24, TERM=screen, LANG=C.UTF-8,
                  ESCDELAY=25, HOME in a temporary folder): the time from
                  the fork until the output holds the whole first frame
                  ("step 2 of" and the keys' line at the bottom).  Median
                  and max of --runs runs (default 20).  In the same
                  harness: `meetcert --version` (the floor: starting the
                  process and its first output), echo (the harness
                  alone) and, when dialog is installed, `dialog --msgbox`
                  until its box is drawn (another curses program's
                  start).  Unless --no-tmux, the same frame as a user's
                  tmux shows it: respawn-pane, then capture-pane in a
                  loop until the frame is there (tmux's own clients
                  included, a few ms each).
  idle CPU        a 3-host resilient workspace (rsa4096) opened on the
                  Keys and CSRs screen, left alone 3 s after its first
                  frame: CPU ticks (utime+stime, every thread), CPU time
                  in ns (schedstat) and context switches; target 0.  The
                  same for 1 s after the key making has ended.
  key while idle  --keys keys (default 20) on that screen, each timed from
  key while work  writing it to the terminal to the chunk of output that
                  shows its effect: F1 (the help box is there), x (it is
                  gone), Down (the row marker moves down), Up (back).
                  Then Enter starts making the six RSA-4096 keys in the
                  background, and the same keys are sent while it runs,
                  30-200 ms apart; a key counts as "while work" only if
                  the job's thread is still there after it and the screen
                  still says so ("Working..." or, under the help box, the
                  message line); the job thread's CPU time over the
                  window is printed.
  Esc             Esc closing the help box: ncurses waits ESCDELAY ms for
                  more bytes of an escape sequence before it reports a
                  lone Esc; with ESCDELAY=25, and with it unset (the
                  wizard then sets 50 ms in ui_start).
  peak RSS        VmHWM of the wizard after the run (the key making
                  included).

How the screen is read: the harness keeps a small VT100/screen emulator
(class Screen) fed with everything the program writes, and checks the
emulated screen after each chunk: ncurses sends only what changed, so a
text search in the byte stream is not enough.  The time of a chunk is
taken when os.read returns it, before the emulator runs.  The first
frame's emulated text is compared with tmux's capture-pane of the same
frame, as a check of the emulator.

Not a test: it prints a table for the README, and exits 1 only if the
wizard does not do what is measured (a frame never comes, a key is not
answered within 2 s).
"""
import argparse
import codecs
import fcntl
import json
import os
import pty
import random
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80
TERM = "screen"

# Everything to undo, by recorded id.
_children = set()                  # pids from pty.fork
_tmux = {}                         # sock, server pid, pane pid


class Fail(Exception):
    pass


def _on_signal(sig, frame):
    raise KeyboardInterrupt(f"signal {sig}")


# ---- a small terminal emulator (what ncurses sends for TERM=screen)

ACS = dict(zip("qxlkmjtuwvn`a~0+,-.hfgyz{|}",
               "─│┌┐└┘├┤┬┴┼◆▒·█→←↑↓#°±≤≥π≠£"))


class Screen:
    """Cursor moves, erases, scroll regions, insert/delete of lines and
    characters, REP, the line-drawing set; attributes are ignored and
    every character takes one cell (the wizard's text here is narrow)."""

    def __init__(self, rows=ROWS, cols=COLS):
        self.rows, self.cols = rows, cols
        self.dec = codecs.getincrementaldecoder("utf-8")("replace")
        self.pend = ""
        self.reset()

    def reset(self):
        self.grid = [self.blank() for _ in range(self.rows)]
        self.y = self.x = 0
        self.top, self.bot = 0, self.rows - 1
        self.wrap = self.insert = False
        self.g = ["B", "B"]
        self.shift = 0
        self.saved = (0, 0)
        self.last = " "

    def blank(self):
        return [" "] * self.cols

    def text(self):
        return "\n".join(self.line(r) for r in range(self.rows))

    def line(self, r):
        return "".join(self.grid[r]).rstrip()

    def feed(self, data):
        s = self.pend + self.dec.decode(data)
        self.pend = ""
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if c == "\x1b":
                j = self._esc(s, i)
                if j is None:
                    self.pend = s[i:]
                    return
                i = j
                continue
            o = ord(c)
            if o >= 0x20 and o != 0x7f:
                self._put(c)
            elif c == "\r":
                self.x, self.wrap = 0, False
            elif c in "\n\x0b\x0c":
                self._lf()
            elif c == "\b":
                self.x, self.wrap = max(0, self.x - 1), False
            elif c == "\t":
                self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
            elif c == "\x0e":
                self.shift = 1
            elif c == "\x0f":
                self.shift = 0
            i += 1

    def _put(self, ch):
        if self.g[self.shift] == "0":
            ch = ACS.get(ch, ch)
        if self.wrap:
            self.x, self.wrap = 0, False
            self._lf()
        row = self.grid[self.y]
        if self.insert:
            row.insert(self.x, ch)
            row.pop()
        else:
            row[self.x] = ch
        self.last = ch
        if self.x == self.cols - 1:
            self.wrap = True
        else:
            self.x += 1

    def _lf(self):
        self.wrap = False
        if self.y == self.bot:
            self._up(self.top, self.bot, 1)
        elif self.y < self.rows - 1:
            self.y += 1

    def _up(self, t, b, n):
        for _ in range(min(n, b - t + 1)):
            del self.grid[t]
            self.grid.insert(b, self.blank())

    def _down(self, t, b, n):
        for _ in range(min(n, b - t + 1)):
            del self.grid[b]
            self.grid.insert(t, self.blank())

    def _esc(self, s, i):
        n = len(s)
        if i + 1 >= n:
            return None
        c = s[i + 1]
        if c == "[":
            j = i + 2
            while j < n and "\x20" <= s[j] <= "\x3f":
                j += 1
            if j >= n:
                return None
            self._csi(s[i + 2:j], s[j])
            return j + 1
        if c in "()*+":
            if i + 2 >= n:
                return None
            if c in "()":
                self.g["()".index(c)] = s[i + 2]
            return i + 3
        if c == "]":                           # OSC: up to BEL or ST
            j = i + 2
            while j < n and s[j] != "\x07" and s[j:j + 2] != "\x1b\\":
                j += 1
            if j >= n:
                return None
            return j + (1 if s[j] == "\x07" else 2)
        if c == "7":
            self.saved = (self.y, self.x)
        elif c == "8":
            self.y, self.x = self.saved
            self.wrap = False
        elif c == "M":
            self.wrap = False
            if self.y == self.top:
                self._down(self.top, self.bot, 1)
            elif self.y > 0:
                self.y -= 1
        elif c == "D":
            self._lf()
        elif c == "E":
            self.x = 0
            self._lf()
        elif c == "c":
            self.reset()
        return i + 2                           # = > H g and the like

    def _csi(self, params, final):
        priv = params[:1] if params[:1] in ("?", ">", "<", "=") else ""
        body = params[len(priv):].rstrip(" !\"#$%&'()*+,-./")
        p = [int(v) if v.isdigit() else 0 for v in body.split(";")] \
            if body else []

        def arg(k, d=1):
            v = p[k] if k < len(p) else 0
            return v if v else d

        if final in "hl":
            on = final == "h"
            for v in p:
                if not priv and v == 4:
                    self.insert = on
                elif priv == "?" and v in (47, 1047, 1049):
                    self.grid = [self.blank() for _ in range(self.rows)]
            return
        if priv:
            return
        y, x = self.y, self.x
        if final in "Hf":
            y, x = arg(0) - 1, arg(1) - 1
        elif final == "A":
            y -= arg(0)
        elif final == "B":
            y += arg(0)
        elif final == "C":
            x += arg(0)
        elif final == "D":
            x -= arg(0)
        elif final in "G`":
            x = arg(0) - 1
        elif final == "d":
            y = arg(0) - 1
        elif final == "J":
            m = arg(0, 0)
            rows = range(self.rows) if m == 2 else \
                range(y + 1, self.rows) if m == 0 else range(0, y)
            for r in rows:
                self.grid[r] = self.blank()
            if m == 0:
                self.grid[y][x:] = [" "] * (self.cols - x)
            elif m == 1:
                self.grid[y][:x + 1] = [" "] * (x + 1)
        elif final == "K":
            m = arg(0, 0)
            row = self.grid[y]
            if m == 0:
                row[x:] = [" "] * (self.cols - x)
            elif m == 1:
                row[:x + 1] = [" "] * (x + 1)
            else:
                self.grid[y] = self.blank()
        elif final in "LM":
            if self.top <= y <= self.bot:
                for _ in range(min(arg(0), self.bot - y + 1)):
                    if final == "L":
                        del self.grid[self.bot]
                        self.grid.insert(y, self.blank())
                    else:
                        del self.grid[y]
                        self.grid.insert(self.bot, self.blank())
                x = 0
        elif final == "P":
            row = self.grid[y]
            k = min(arg(0), self.cols - x)
            del row[x:x + k]
            row.extend([" "] * k)
        elif final == "@":
            row = self.grid[y]
            k = min(arg(0), self.cols - x)
            row[x:x] = [" "] * k
            del row[self.cols:]
        elif final == "X":
            k = min(arg(0), self.cols - x)
            self.grid[y][x:x + k] = [" "] * k
        elif final == "S":
            self._up(self.top, self.bot, arg(0))
        elif final == "T":
            self._down(self.top, self.bot, arg(0))
        elif final == "r":
            self.top, self.bot = arg(0) - 1, arg(1, self.rows) - 1
            y = x = 0
        elif final == "b":
            for _ in range(arg(0)):
                self._put(self.last)
            return
        else:                                  # m n c g Z q ...: no cells
            return
        self.y = max(0, min(self.rows - 1, y))
        self.x = max(0, min(self.cols - 1, x))
        self.wrap = False


# ---- the program in a pseudo-terminal

class Term:
    def __init__(self, argv, env):
        winsz = struct.pack("HHHH", ROWS, COLS, 0, 0)
        self.screen = Screen()
        self.start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsz)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        _children.add(pid)
        self.pid, self.fd = pid, fd
        self.first_byte = None
        self.eof = False
        self.nbytes = 0

    def read_until(self, pred, timeout):
        """Reads and emulates until pred(screen) holds: the time of the
        chunk that made it so, or None after timeout seconds."""
        end = time.perf_counter() + timeout
        while True:
            left = end - time.perf_counter()
            if left <= 0 or self.eof:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return None
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            t = time.perf_counter()
            if not data:
                self.eof = True
                return None
            if self.first_byte is None:
                self.first_byte = t
            self.nbytes += len(data)
            self.screen.feed(data)
            if pred(self.screen):
                return t

    def drain(self, seconds):
        self.read_until(lambda s: False, seconds)

    def press(self, seq, pred, what, timeout=2.0):
        self.drain(0)                          # what is already there
        if pred(self.screen):
            raise Fail(f"{what}: its effect is on the screen before the "
                       f"key\n{self.screen.text()}")
        t0 = time.perf_counter()
        os.write(self.fd, seq)
        t = self.read_until(pred, timeout)
        if t is None:
            raise Fail(f"{what}: no answer within {timeout} s\n"
                       f"{self.screen.text()}")
        return t - t0

    def close(self):
        if self.pid in _children:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            _children.discard(self.pid)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def wait_exit(self, timeout):
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.drain(0.02)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                _children.discard(self.pid)
                return os.waitstatus_to_exitcode(st)
        return None


# ---- /proc

def tasks(pid):
    return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))


def task_cpu(pid, tid):
    """(utime+stime ticks, ns on CPU, context switches) of one thread."""
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        v = f.read().rsplit(")", 1)[1].split()
    ticks = int(v[11]) + int(v[12])
    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
        ns = int(f.read().split()[0])
    sw = 0
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            if line.split(":")[0] in ("voluntary_ctxt_switches",
                                      "nonvoluntary_ctxt_switches"):
                sw += int(line.split()[1])
    return ticks, ns, sw


def proc_cpu(pid):
    """The same, summed over every thread there is now.  A thread that
    ended is in neither sample: idle windows have one thread only."""
    tot = [0, 0, 0]
    for tid in tasks(pid):
        try:
            for k, v in enumerate(task_cpu(pid, tid)):
                tot[k] += v
        except FileNotFoundError:
            pass
    return tuple(tot)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def idle_sample(term, seconds):
    ntasks = len(tasks(term.pid))
    a = proc_cpu(term.pid)
    t0 = time.perf_counter()
    time.sleep(seconds)
    b = proc_cpu(term.pid)
    dt = time.perf_counter() - t0
    term.drain(0)
    out = term.nbytes
    return {"ticks": b[0] - a[0], "ns": b[1] - a[1], "sw": b[2] - a[2],
            "s": dt, "threads": ntasks, "bytes": out}


# ---- the measurements

def env_for(home, escdelay="25"):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "TERM": TERM, "LANG": "C.UTF-8"}
    if escdelay is not None:
        env["ESCDELAY"] = escdelay
    return env


def frame_done(s):
    return "step 2 of" in s.line(0) and s.line(ROWS - 1).startswith(
        " F1 Help")


def first_frames(meetcert, d, home, runs):
    ws = os.path.join(d, "new.json")           # never saved: killed
    frames, firsts, texts = [], [], []
    others = {"echo": [], "version": [], "dialog": []}
    echo = shutil.which("echo") or "/bin/echo"
    dialog = shutil.which("dialog")
    cases = [([echo, "meetcert x"], "echo", "meetcert "),
             ([meetcert, "--version"], "version", "meetcert ")]
    if dialog:
        cases.append(([dialog, "--msgbox", "step 2 of 12", "10", "40"],
                      "dialog", "<  OK  >"))
    for _ in range(runs):
        for argv, key, text in cases:
            t = Term(argv, env_for(home))
            try:
                got = t.read_until(lambda s: text in s.text(), 5)
                if got is None:
                    raise Fail(f"{' '.join(argv)}: no output\n"
                               f"{t.screen.text()}")
                others[key].append(got - t.start)
            finally:
                t.close()
        t = Term([meetcert, "wizard", ws], env_for(home))
        try:
            got = t.read_until(frame_done, 5)
            if got is None:
                raise Fail(f"wizard: no first frame in 5 s\n"
                           f"{t.screen.text()}")
            frames.append(got - t.start)
            firsts.append(t.first_byte - t.start)
            texts.append(t.screen.text())
        finally:
            t.close()
    return frames, firsts, others, texts[0]


def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-S", _tmux["sock"]] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    if check and r.returncode != 0:
        raise Fail(f"tmux {' '.join(args)}: exit {r.returncode}")
    return r.stdout


def tmux_frames(meetcert, d, home, runs):
    """respawn-pane, then capture-pane as fast as it goes."""
    _tmux["sock"] = os.path.join(d, "tmux.sock")
    env = env_for(home)
    e = []
    for k, v in env.items():
        e += ["-e", f"{k}={v}"]
    subprocess.run(["tmux", "-S", _tmux["sock"], "-f", "/dev/null",
                    "new-session", "-d", "-x", str(COLS), "-y", str(ROWS)]
                   + e + ["sleep 600"], check=True)
    _tmux["server"] = int(tmux("display", "-p", "#{pid}"))
    ws = os.path.join(d, "new.json")
    times, caps, text = [], [], ""
    for _ in range(runs):
        tmux("respawn-pane", "-k", "sleep 600")
        t0 = time.perf_counter()
        tmux("respawn-pane", "-k", f"exec {meetcert} wizard {ws}")
        while True:
            c0 = time.perf_counter()
            text = tmux("capture-pane", "-p")
            c1 = time.perf_counter()
            caps.append(c1 - c0)
            lines = text.split("\n")
            if "step 2 of" in lines[0] and len(lines) >= ROWS and \
                    lines[ROWS - 1].startswith(" F1 Help"):
                times.append(c1 - t0)
                break
            if c1 - t0 > 5:
                raise Fail(f"tmux: no first frame in 5 s\n{text}")
    tmux("respawn-pane", "-k", "sleep 600")
    return times, caps, text


def make_keys_workspace(meetcert, d):
    ws = os.path.join(d, "keys", "cms.json")
    os.makedirs(os.path.dirname(ws))
    roles = "callbridge+webadmin+webbridge3+database"
    args = [meetcert, "init", ws, "--type", "resilient", "--key", "rsa4096",
            "--cluster-fqdn", "cms.example.com", "--join-url",
            "join.example.com", "--c2w-address", "cms1.example.com"]
    for n, db in ((1, "primary"), (2, "peer"), (3, "peer")):
        args += ["--host", f"label=cms{n},fqdn=cms{n}.example.com,"
                 f"roles={roles},database={db}"]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise Fail(f"meetcert init: exit {r.returncode}\n{r.stdout}")
    with open(ws) as f:
        root = json.load(f)
    root["wizard"] = {"screen": "keys"}
    with open(ws, "w") as f:
        json.dump(root, f, indent=2)
    return ws


def made_files(ws):
    return {f for f in os.listdir(os.path.dirname(ws))
            if f.endswith((".key", ".csr", ".crt"))}


def sel_row(s):
    """The row of the table's marker (right of the steps list)."""
    for r in range(ROWS):
        if "▸" in s.line(r)[21:]:
            return r
    return -1


def help_open(s):
    return "Help: Keys and CSRs" in s.text()


def help_closed(s):
    return "Help:" not in s.text() and "Certificate" in s.text()


def working(s):
    """The job runs: the button's place says so, or (under the help box,
    which covers it) the message line does."""
    return "Working... (Esc stops)" in s.text() or \
        "Esc stops after the current one" in s.line(ROWS - 2)


def key_cycle(term, keys):
    """The four keys, each with the change it must make."""
    r0 = sel_row(term.screen)
    if r0 < 0:
        raise Fail(f"no row marker on the keys screen\n{term.screen.text()}")
    return [("F1", keys["kf1"], help_open),
            ("x", b"x", help_closed),
            ("Down", keys["kcud1"], lambda s: sel_row(s) == r0 + 1),
            ("Up", keys["kcuu1"], lambda s: sel_row(s) == r0)]


def key_seqs():
    seqs = {"kf1": b"\x1bOP", "kcud1": b"\x1bOB", "kcuu1": b"\x1bOA"}
    try:
        import curses
        curses.setupterm(TERM, sys.__stdout__.fileno()
                         if sys.__stdout__.isatty() else -1)
        for cap in seqs:
            v = curses.tigetstr(cap)
            if v:
                seqs[cap] = v
    except Exception:
        pass
    return seqs


def keys_session(meetcert, d, home, nkeys):
    ws = make_keys_workspace(meetcert, d)
    keys = key_seqs()
    res = {}
    t = Term([meetcert, "wizard", ws], env_for(home))
    try:
        got = t.read_until(lambda s: "step 6 of" in s.line(0) and
                           "Make keys and CSRs" in s.text(), 5)
        if got is None:
            raise Fail(f"keys screen: no first frame\n{t.screen.text()}")
        res["frame"] = got - t.start
        t.drain(0.1)
        res["idle"] = idle_sample(t, 3.0)
        res["hwm_idle_kb"] = status_kb(t.pid, "VmHWM")

        cyc = key_cycle(t, keys)
        lat = []
        for i in range(nkeys):
            name, seq, pred = cyc[i % len(cyc)]
            lat.append((name, t.press(seq, pred, f"idle {name}")))
            t.drain(0.02)
        res["idle_keys"] = lat

        esc = []
        for _ in range(5):
            t.press(keys["kf1"], help_open, "F1 before Esc")
            t.drain(0.02)
            esc.append(t.press(b"\x1b", help_closed, "Esc"))
            t.drain(0.02)
        res["esc25"] = esc

        # the work: Enter on the list starts the key making
        t0 = time.perf_counter()
        res["enter"] = t.press(b"\r", working, "Enter (start making)")
        main_tid = t.pid
        job = [x for x in tasks(t.pid) if x != main_tid]
        job_cpu0 = sum(task_cpu(t.pid, x)[1] for x in job)
        w0 = time.perf_counter()
        made0 = made_files(ws)
        rng = random.Random(1)
        lat, outside = [], 0
        for i in range(nkeys):
            name, seq, pred = cyc[i % len(cyc)]
            if not working(t.screen) or len(tasks(t.pid)) < 2:
                outside += 1
                break
            dt = t.press(seq, pred, f"working {name}")
            if working(t.screen) and len(tasks(t.pid)) > 1:
                lat.append((name, dt))
            else:
                outside += 1
            t.drain(rng.uniform(0.03, 0.2))
        w1 = time.perf_counter()
        try:
            job_cpu1 = sum(task_cpu(t.pid, x)[1] for x in job)
        except FileNotFoundError:          # the job has ended meanwhile
            job_cpu1 = None
        # leave the screen as it was (help closed)
        if help_open(t.screen):
            t.press(b"x", help_closed, "x")
        res["work_keys"] = lat
        res["outside"] = outside
        res["window"] = w1 - w0
        res["job_threads"] = len(job)
        res["job_cpu"] = None if job_cpu1 is None else \
            (job_cpu1 - job_cpu0) / 1e9
        res["made_in_window"] = len(made_files(ws) - made0)
        done = t.read_until(lambda s: "file(s) made" in s.text(), 60)
        if done is None:
            raise Fail(f"the key making did not end in 60 s\n"
                       f"{t.screen.text()}")
        res["job_s"] = done - t0
        t.drain(0.2)
        res["idle_after"] = idle_sample(t, 1.0)
        res["hwm_kb"] = status_kb(t.pid, "VmHWM")
        res["rss_kb"] = status_kb(t.pid, "VmRSS")
        res["made_files"] = made_files(ws)
        os.write(t.fd, b"q")
        t.read_until(lambda s: "Save and quit" in s.text(), 2)
        os.write(t.fd, b"y")
        res["exit"] = t.wait_exit(5)
    finally:
        t.close()

    # Esc with ESCDELAY unset: the wizard's own default
    t = Term([meetcert, "wizard", ws], env_for(home, escdelay=None))
    try:
        if t.read_until(lambda s: "step 6 of" in s.line(0), 5) is None:
            raise Fail(f"keys screen (no ESCDELAY): no frame\n"
                       f"{t.screen.text()}")
        t.drain(0.05)
        esc = []
        for _ in range(5):
            t.press(keys["kf1"], help_open, "F1 before Esc")
            t.drain(0.02)
            esc.append(t.press(b"\x1b", help_closed, "Esc (no ESCDELAY)"))
            t.drain(0.02)
        res["esc_default"] = esc
    finally:
        t.close()
    return res


# ---- the table

def ms(v):
    return f"{v * 1000:.1f} ms"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 4)[4])
    ap.add_argument("--meetcert", default=os.environ.get(
        "MEETCERT", "./meetcert"))
    ap.add_argument("--runs", type=int, default=20,
                    help="starts timed for the first frame (default 20)")
    ap.add_argument("--keys", type=int, default=20,
                    help="keys timed idle and while working (default 20)")
    ap.add_argument("--no-tmux", action="store_true",
                    help="skip the first frame as seen through tmux")
    a = ap.parse_args()
    meetcert = os.path.abspath(a.meetcert)
    if not os.access(meetcert, os.X_OK):
        sys.exit(f"bench: {meetcert}: not there or not executable "
                 "(--meetcert PATH)")
    if a.runs < 1 or a.keys < 4:
        sys.exit("bench: --runs at least 1, --keys at least 4")
    use_tmux = not a.no_tmux and shutil.which("tmux") is not None
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    subreaper()
    d = tempfile.mkdtemp(prefix="mc-bench-tui.")
    home = os.path.join(d, "home")
    os.makedirs(home)
    started = time.perf_counter()
    try:
        frames, firsts, others, frame_text = first_frames(
            meetcert, d, home, a.runs)
        tm = None
        if use_tmux:
            tm = tmux_frames(meetcert, d, home, a.runs)
        k = keys_session(meetcert, d, home, a.keys)
    except Fail as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        cleanup(d)
    total = time.perf_counter() - started

    def verdict(ok):
        return "met" if ok else "MISSED"

    med = statistics.median
    rows = []
    fm = med(frames)
    rows.append(("first frame (pty)", "≤ 100 ms",
                 f"median {ms(fm)}, max {ms(max(frames))}",
                 verdict(fm <= 0.1 and max(frames) <= 0.1)))
    for key, label in (("dialog", "  dialog --msgbox (same harness)"),
                       ("version", "  floor: meetcert --version"),
                       ("echo", "  harness alone: echo")):
        v = others[key]
        if v:
            rows.append((label, "", f"median {ms(med(v))}, max "
                         f"{ms(max(v))}", ""))
    if tm is not None:
        rows.append(("  seen in tmux (capture-pane loop)", "",
                     f"median {ms(med(tm[0]))}, max {ms(max(tm[0]))}", ""))
    for label, s in (("idle CPU, 3 s after first frame", k["idle"]),
                     ("idle CPU, 1 s after the job", k["idle_after"])):
        rows.append((label, "0 ticks",
                     f"{s['ticks']} ticks, {s['ns'] / 1e6 / s['s']:.3f} ms/s,"
                     f" {s['sw']} switches, {s['threads']} thread(s)",
                     verdict(s["ticks"] == 0)))
    il = [v for _, v in k["idle_keys"]]
    wl = [v for _, v in k["work_keys"]]
    rows.append(("key while idle (F1 x Down Up)", "≤ 50 ms",
                 f"median {ms(med(il))}, max {ms(max(il))} ({len(il)} keys)",
                 verdict(max(il) <= 0.05)))
    if wl:
        rows.append(("key while making rsa4096 keys", "≤ 50 ms",
                     f"median {ms(med(wl))}, max {ms(max(wl))} "
                     f"({len(wl)} keys)", verdict(max(wl) <= 0.05)))
    else:
        rows.append(("key while making rsa4096 keys", "≤ 50 ms",
                     "no key landed while the job ran", "n/a"))
    for label, v in (("Esc (ESCDELAY=25)", k["esc25"]),
                     ("Esc (ESCDELAY unset: 50)", k["esc_default"])):
        rows.append((label, "≤ 50 ms",
                     f"median {ms(med(v))}, max {ms(max(v))} ({len(v)} keys)",
                     verdict(max(v) <= 0.05)))
    rows.append(("peak RSS (VmHWM), whole run", "(none set)",
                 f"{k['hwm_kb'] / 1024:.1f} MB (before the keys: "
                 f"{k['hwm_idle_kb'] / 1024:.1f} MB)", ""))

    print(f"meetcert {meetcert}; {ROWS}x{COLS}, TERM={TERM}, LANG=C.UTF-8; "
          f"{a.runs} starts, {a.keys} keys idle and working; "
          f"bench took {total:.1f} s\n")
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    heads = ("what", "target", "measured", "verdict")
    w = [max(w[i], len(heads[i])) for i in range(4)]
    print("| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(heads)) +
          " |")
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) +
              " |")

    print()
    print(f"- first frame: first byte after median {ms(med(firsts))}; "
          f"the keys screen of the 3-host workspace: {ms(k['frame'])} "
          "(one start)")
    if tm is not None:
        same = tm[2].rstrip() == "\n".join(
            x.rstrip() for x in frame_text.split("\n")).rstrip()
        print(f"- tmux: one capture-pane takes {ms(med(tm[1]))} (median): "
              "the resolution of that line; emulated frame "
              f"{'equals' if same else 'DIFFERS from'} tmux's capture")
    by = {}
    for name, v in k["idle_keys"]:
        by.setdefault(name, []).append(v)
    print("- idle keys by key (median): " + ", ".join(
        f"{n} {ms(med(v))}" for n, v in by.items()))
    by = {}
    for name, v in k["work_keys"]:
        by.setdefault(name, []).append(v)
    if by:
        print("- working keys by key (median): " + ", ".join(
            f"{n} {ms(med(v))}" for n, v in by.items()))
    jc = k["job_cpu"]
    print(f"- the job: Enter answered in {ms(k['enter'])}; "
          f"{k['job_threads']} job thread(s); keys sent over "
          f"{k['window']:.2f} s, the job thread's CPU meanwhile "
          + ("n/a (it ended)" if jc is None else f"{jc:.2f} s") +
          f"; {k['made_in_window']} file(s) made meanwhile; "
          f"{k['outside']} key(s) not counted (job over); making took "
          f"{k['job_s']:.1f} s, {len(k['made_files'])} files")
    print(f"- quit with q y: exit status {k['exit']}")
    return 0


def subreaper():
    """The tmux server leaves its parent (it is a daemon): as a subreaper
    this process gets it back, and can reap it once it is killed (here
    PID 1 may not reap)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def reap(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def cleanup(d):
    for pid in list(_children):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        _children.discard(pid)
    if "server" in _tmux:
        pids = []
        try:                           # the pane's process, asked now
            pids.append(int(tmux("display", "-p", "#{pane_pid}")))
        except (Fail, ValueError):
            pass
        for pid in pids + [_tmux["server"]]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reap(1.0)
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
