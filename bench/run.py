#!/usr/bin/env python3
"""meetcert against the tools an engineer would otherwise use.

  bench/run.py [MEETCERT] [--runs N]

Runs each command N times (default 30) in one process tree, and prints the
median wall time and the median peak resident memory (GNU time %M)
of each, with meetcert's ratio to the other tool.  Not a test: it prints a
table for the README.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def run_once(argv):
    # GNU time forks from its own small image, so the peak RSS it reports
    # is the command's (a child of this Python process would inherit
    # Python's high-water mark across exec).
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        with open(os.devnull, "wb") as null:
            code = subprocess.call(["/usr/bin/time", "-o", out.name, "-f",
                                    "%M"] + argv, stdout=null, stderr=null)
        wall = time.perf_counter() - start
        rss = int(out.read().split()[-1])
    return wall, rss, code


def measure(argv, runs):
    walls, rss = [], []
    code = None
    for _ in range(runs):
        w, m, code = run_once(argv)
        walls.append(w)
        rss.append(m)
    return statistics.median(walls), statistics.median(rss), code


def make_chain(d):
    def sh(*args):
        subprocess.run(args, cwd=d, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out",
       "root.pem", "-subj", "/CN=Bench Root", "-days", "3650")
    sh("openssl", "req", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int.key", "-out",
       "int.csr", "-subj", "/CN=Bench Issuing CA")
    with open(os.path.join(d, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\n"
                "keyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    sh("openssl", "x509", "-req", "-in", "int.csr", "-CA", "root.pem",
       "-CAkey", "root.key", "-CAcreateserial", "-out", "int.pem", "-days",
       "1000", "-extfile", "ca.ext")
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout",
       "leaf.key", "-out", "leaf.csr", "-subj", "/CN=cms1.example.com")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth,clientAuth\n"
                "subjectAltName=DNS:cms1.example.com\n"
                "authorityKeyIdentifier=keyid\n")
    sh("openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "int.pem",
       "-CAkey", "int.key", "-CAcreateserial", "-out", "leaf.pem", "-days",
       "365", "-extfile", "leaf.ext")


def main():
    args = sys.argv[1:]
    runs = 30
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    here = os.path.dirname(os.path.abspath(__file__))
    meetcert = args[0] if args else os.path.join(here, "..", "build",
                                                 "meetcert")
    if not os.access(meetcert, os.X_OK):
        sys.exit(f"bench: {meetcert}: not built; run ./dev.sh start first "
                 "or give the path to meetcert")
    ncerts = open(BUNDLE).read().count("BEGIN CERTIFICATE")
    with tempfile.TemporaryDirectory() as d:
        make_chain(d)
        p = lambda n: os.path.join(d, n)
        cases = [
            ("verify leaf+intermediate+root",
             [meetcert, "verify", p("leaf.pem"), p("int.pem"), p("root.pem"),
              "--role", "server", "--name", "cms1.example.com"],
             ["openssl", "verify", "-purpose", "sslserver", "-verify_hostname",
              "cms1.example.com", "-CAfile", p("root.pem"), "-untrusted",
              p("int.pem"), p("leaf.pem")]),
            (f"inspect ca-certificates ({ncerts} certs)",
             [meetcert, "inspect", BUNDLE],
             ["openssl", "storeutl", "-noout", "-text", "-certs", BUNDLE]),
            (f"inspect --json ca-certificates",
             [meetcert, "inspect", "--json", BUNDLE],
             ["openssl", "storeutl", "-noout", "-text", "-certs", BUNDLE]),
        ]
        print(f"{runs} runs each; medians; peak RSS from GNU time; wall time includes starting /usr/bin/time\n")
        print(f"| {'task':34} | {'meetcert':>10} | {'openssl':>10} | "
              f"{'time ratio':>10} | {'meetcert RSS':>12} | "
              f"{'openssl RSS':>11} | {'RSS ratio':>9} |")
        print(f"|{'-' * 36}|{'-' * 12}|{'-' * 12}|{'-' * 12}|{'-' * 14}|"
              f"{'-' * 13}|{'-' * 11}|")
        for name, ours, theirs in cases:
            mw, mr, mc = measure(ours, runs)
            ow, orss, oc = measure(theirs, runs)
            if mc != 0 or oc != 0:
                print(f"# {name}: exit codes meetcert {mc}, openssl {oc}",
                      file=sys.stderr)
            print(f"| {name:34} | {mw * 1000:8.1f}ms | {ow * 1000:8.1f}ms | "
                  f"{mw / ow:10.2f} | {mr / 1024:10.1f}MB | "
                  f"{orss / 1024:9.1f}MB | {mr / orss:9.2f} |")


if __name__ == "__main__":
    main()
