#!/usr/bin/env python3
"""Keys and CSRs for a whole deployment: meetcert csr against an openssl loop.

  bench/csr.py [MEETCERT] [--runs N | --runs EC,RSA]

The workload is every key and CSR that the Certificate Guidelines ask for
in a five-server scalable and resilient deployment (DEPLOYMENT below). Each
key type makes that set twice per repetition, each time in a new empty
directory: once as one `meetcert csr` process per certificate, once as the
`openssl req -new -newkey ...` loop a user would otherwise write. Both are
run by a single `sh -ec` with all the commands, under GNU time. The runs of
the two tools alternate, so drift on the machine hits both equally.
Default: 15 repetitions for ec256, 7 for rsa2048 (RSA key generation
varies a lot from run to run); `--runs N` sets both, `--runs EC,RSA` each.

The output of every run is checked: each .key is mode 0600, each .csr passes
`openssl req -verify` and has the planned key type, CN and subjectAltName.
Any failure is listed and the exit status is 1. Not a test otherwise: it
prints a table for the README.
"""
import os
import re
import shlex
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time

DOMAIN = "example.com"
ORG = "Example Inc."
SERVERS = [f"cms{i}.{DOMAIN}" for i in range(1, 6)]
JOIN = f"join.{DOMAIN}"            # the web app's join URL (guide §3.1.2)
MEETINGAPPS = f"meetingapps.{DOMAIN}"

# The certificate plan, written once: (basename, CN, subjectAltName).
# The SAN is the full list the certificate carries, CN included: design.md
# puts the CN in every SAN, and `pki csr` given the CN in its list keeps it
# once (given no list at all, it would make a CSR without a SAN).
# Basenames follow the MMP's rules: letters, digits, hyphens.
#
# Per server (tables 2 and 3, guide §3.1.1, §3.1.2, §3.1.5, App. D):
#   callbridge  SIP/LDAP TLS, c2w client, Lync, clustering  (§3.1.1)
#   webadmin    HTTPS admin and API; cluster peers match its names (table 3)
#   webbridge3  the browser-facing Web Bridge 3, join URL in the SAN (§3.1.2)
#   c2w         Web Bridge 3's c2w listener; the c2w:// host in the SAN (D.1)
#   turn        TURN over TLS (table 2, §3.1.5)
# For the deployment (§3.1.3, §3.1.4, ch. 4):
#   dbserver    one certificate for all database nodes: CN one node, SAN the
#               others (all five servers hold the database here)
#   dbclient    CN must be `postgres`; no DNS name, so no SAN
#   meetingapps the MeetingApps HTTPS certificate (§3.1.3, §4.7), one
#               dedicated FQDN as the guide recommends
# Left out on purpose: Recorder and Streamer (table 3: only "if you enable"
# them, optional parts in design.md); the database cluster's CA `dbca`
# (§3.1.4 step 1: `pki selfsigned`, a self-signed CA, not a CSR); Uploader
# (ch. 4: a trust bundle only, no key of its own).
PER_SERVER = [
    # (basename suffix, extra SAN names besides the server's FQDN)
    ("callbridge", []),
    ("webadmin", []),
    ("webbridge3", [JOIN]),
    ("c2w", []),
    ("turn", []),
]
DEPLOYMENT = [
    (f"cms{i}-{suffix}", fqdn, [fqdn] + extra)
    for i, fqdn in enumerate(SERVERS, 1)
    for suffix, extra in PER_SERVER
] + [
    ("dbserver", SERVERS[0], SERVERS),
    ("dbclient", "postgres", []),
    ("meetingapps", MEETINGAPPS, [MEETINGAPPS]),
]

# key type -> (openssl req key options, KeyUsage, what `req -text` shows)
KEYTYPES = {
    "ec256": (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
              "critical,digitalSignature",
              ("id-ecPublicKey", "NIST CURVE: P-256")),
    "rsa2048": (["-newkey", "rsa:2048"],
                "critical,digitalSignature,keyEncipherment",
                ("rsaEncryption", "(2048 bit)")),
}
DEFAULT_RUNS = {"ec256": 15, "rsa2048": 7}


def meetcert_cmds(meetcert, keytype):
    cmds = []
    for base, cn, san in DEPLOYMENT:
        argv = [meetcert, "csr", base, f"CN:{cn}", f"O:{ORG}"]
        if san:
            argv.append("subjectAltName:" + ",".join(san))
        cmds.append(argv + ["--key", keytype])
    return cmds


def batch_lines():
    """The same set as `pki csr` lines, for one `meetcert csr --batch`."""
    lines = []
    for base, cn, san in DEPLOYMENT:
        words = ["pki", "csr", base, f"CN:{cn}", f'O:"{ORG}"']
        if san:
            words.append("subjectAltName:" + ",".join(san))
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def openssl_cmds(keytype):
    newkey, usage, _ = KEYTYPES[keytype]
    cmds = []
    for base, cn, san in DEPLOYMENT:
        argv = (["openssl", "req", "-new"] + newkey +
                ["-nodes", "-keyout", f"{base}.key", "-out", f"{base}.csr",
                 "-subj", f"/O={ORG}/CN={cn}"])
        if san:
            argv += ["-addext", "subjectAltName=" +
                     ",".join(f"DNS:{n}" for n in san)]
        argv += ["-addext", f"keyUsage={usage}",
                 "-addext", "extendedKeyUsage=serverAuth,clientAuth"]
        cmds.append(argv)
    return cmds


def run_set(script, d):
    """Runs the whole shell loop once in directory d: wall time, peak RSS
    in kB, exit status, stderr."""
    # GNU time waits for sh, and Linux reports for it the largest resident
    # set of sh and of every process sh waited for: the peak of the
    # heaviest single command, not a sum.
    with tempfile.NamedTemporaryFile("r") as out, \
            tempfile.TemporaryFile("w+") as err, \
            open(os.devnull, "wb") as null:
        start = time.perf_counter()
        code = subprocess.call(["/usr/bin/time", "-o", out.name, "-f", "%M",
                                "sh", "-ec", script], cwd=d, stdout=null,
                               stderr=err)
        wall = time.perf_counter() - start
        rss = int(out.read().split()[-1])
        err.seek(0)
        return wall, rss, code, err.read()


def check_set(d, keytype):
    """What is wrong with the files one run left in d (empty: nothing)."""
    problems = []
    want = {f"{b}.{ext}" for b, _, _ in DEPLOYMENT for ext in ("key", "csr")}
    have = set(os.listdir(d))
    if have != want:
        missing, extra = sorted(want - have), sorted(have - want)
        problems.append(f"files: missing {missing}, unexpected {extra}")
    _, _, (alg, size) = KEYTYPES[keytype]
    for base, cn, san in DEPLOYMENT:
        key, csr = os.path.join(d, base + ".key"), os.path.join(d, base + ".csr")
        if os.path.exists(key):
            mode = stat.S_IMODE(os.stat(key).st_mode)
            if mode != 0o600:
                problems.append(f"{base}.key: mode {mode:04o}, not 0600")
        if not os.path.exists(csr):
            continue
        p = subprocess.run(["openssl", "req", "-verify", "-noout", "-text",
                            "-in", csr], capture_output=True, text=True)
        if p.returncode != 0 or "verify OK" not in p.stdout + p.stderr:
            why = (p.stderr.strip().splitlines() or ["?"])[0]
            problems.append(f"{base}.csr: openssl req -verify fails: {why}")
            continue
        if alg not in p.stdout or size not in p.stdout:
            problems.append(f"{base}.csr: not a {keytype} key")
        m = re.search(r"Subject:.*\bCN ?= ?([^,\n]+)", p.stdout)
        if not m or m.group(1).strip() != cn:
            problems.append(f"{base}.csr: CN is not {cn}")
        got = set(re.findall(r"DNS:([^,\s]+)", p.stdout))
        if got != set(san):
            problems.append(f"{base}.csr: subjectAltName {sorted(got)}, "
                            f"planned {sorted(san)}")
    return problems


def measure(tools, keytype, runs, root, problems):
    """tools: name -> shell script. Runs each once untimed (page cache),
    then `runs` timed repetitions, alternating which tool goes first."""
    results = {name: ([], []) for name in tools}
    names = list(tools)
    for rep in range(-1, runs):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            d = tempfile.mkdtemp(prefix=f"{name}-{keytype}-", dir=root)
            wall, rss, code, err = run_set(tools[name], d)
            where = (f"{name} {keytype} " +
                     (f"run {rep + 1}" if rep >= 0 else "warm-up"))
            if code != 0:
                problems.append(f"{where}: exit status {code}: "
                                f"{err.strip()[-500:]}")
            problems.extend(f"{where}: {p}" for p in check_set(d, keytype))
            shutil.rmtree(d)
            if rep >= 0:
                results[name][0].append(wall)
                results[name][1].append(rss)
    return results


def parse_runs(args):
    runs = dict(DEFAULT_RUNS)
    if "--runs" in args:
        i = args.index("--runs")
        try:
            values = [int(v) for v in args[i + 1].split(",")]
        except (IndexError, ValueError):
            sys.exit("bench: --runs N or --runs EC,RSA")
        if len(values) not in (1, 2) or min(values) < 1:
            sys.exit("bench: --runs N or --runs EC,RSA")
        runs["ec256"], runs["rsa2048"] = values[0], values[-1]
        del args[i:i + 2]
    return runs


def main():
    args = sys.argv[1:]
    runs = parse_runs(args)
    here = os.path.dirname(os.path.abspath(__file__))
    meetcert = os.path.abspath(args[0] if args else
                               os.path.join(here, "..", "build", "meetcert"))
    if not os.access(meetcert, os.X_OK):
        sys.exit(f"bench: {meetcert}: not built; run ./dev.sh start first "
                 "or give the path to meetcert")
    n = len(DEPLOYMENT)
    problems = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-csr-") as root:
        batch = os.path.join(root, "deployment.txt")
        with open(batch, "w") as f:
            f.write(batch_lines())
        for keytype in KEYTYPES:
            tools = {
                "meetcert": "\n".join(shlex.join(c) for c in
                                      meetcert_cmds(meetcert, keytype)),
                "batch": shlex.join([meetcert, "csr", "--batch", batch,
                                     "--key", keytype]),
                "openssl": "\n".join(shlex.join(c) for c in
                                     openssl_cmds(keytype)),
            }
            rows.append((keytype, runs[keytype],
                         measure(tools, keytype, runs[keytype], root,
                                 problems)))

    print(f"{n} keys and CSRs: a five-server scalable and resilient "
          f"deployment ({len(SERVERS)} x {len(PER_SERVER)} per server, "
          f"{n - len(SERVERS) * len(PER_SERVER)} shared)")
    print("one `sh -ec` running one process per certificate, in a new "
          "directory each run; runs of the two tools alternate")
    print("time: wall time of the whole set (includes starting /usr/bin/time "
          "and sh), median and min; per cert: median / "
          f"{n}; ratio: meetcert / openssl")
    print("peak RSS: GNU time %M around the whole sh -c, i.e. the largest "
          "single process of the set (max over the processes), median over "
          "the runs\n")
    print("meetcert: one process per certificate; batch: one `meetcert "
          "csr --batch` of the same set as pki csr lines\n")
    print(f"| {'key, runs':13} | {'meetcert':>9} | {'batch':>9} | "
          f"{'openssl':>9} | {'per cert (m/b/o)':>22} | "
          f"{'meetcert/openssl':>16} | {'batch/openssl':>13} | "
          f"{'meetcert RSS':>12} | {'openssl RSS':>11} | {'RSS ratio':>9} |")
    print(f"|{'-' * 15}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 24}|"
          f"{'-' * 18}|{'-' * 15}|{'-' * 14}|{'-' * 13}|{'-' * 11}|")
    for keytype, r, res in rows:
        med = {k: statistics.median(v[0]) for k, v in res.items()}
        rss = {k: statistics.median(v[1]) for k, v in res.items()}
        per = "/".join(f"{med[k] / n * 1000:.1f}"
                       for k in ("meetcert", "batch", "openssl")) + "ms"
        print(f"| {f'{keytype} x{r}':13} | {med['meetcert'] * 1000:7.0f}ms | "
              f"{med['batch'] * 1000:7.0f}ms | {med['openssl'] * 1000:7.0f}ms "
              f"| {per:>22} | {med['meetcert'] / med['openssl']:16.2f} | "
              f"{med['batch'] / med['openssl']:13.2f} | "
              f"{max(rss['meetcert'], rss['batch']) / 1024:10.1f}MB | "
              f"{rss['openssl'] / 1024:9.1f}MB | "
              f"{max(rss['meetcert'], rss['batch']) / rss['openssl']:9.2f} |")
    for tool in ("meetcert", "batch"):
        faster = all(statistics.median(res[tool][0]) <
                     statistics.median(res["openssl"][0])
                     for _, _, res in rows)
        print(f"target (faster than the openssl loop), {tool}: "
              f"{'holds' if faster else 'NOT met'} for "
              f"{' and '.join(KEYTYPES)}")
    if problems:
        print(f"\nbench: {len(problems)} problems in the outputs:",
              file=sys.stderr)
        for p in problems[:40]:
            print(f"  {p}", file=sys.stderr)
        sys.exit(1)
    print("outputs checked every run: keys 0600, CSRs verify, key type, CN "
          "and SAN as planned")


if __name__ == "__main__":
    main()
