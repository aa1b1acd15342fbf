"""Times the client PASSWORD_VERIFIER step of several SRP implementations side by side.

Run through scripts/bench-srp-side-by-side (which installs the clients and builds the core's
worker). Every implementation runs as its own worker process (line protocol in
core/examples/srp_step.rs); this driver feeds them the same fixed inputs, checks that each
computes the same PASSWORD_CLAIM_SIGNATURE as the core (and, with the vector's own a, the
published one), warms each up, then times N steps of each in interleaved rounds (each round
runs a batch of every worker in turn, starting with a different one each round), so a load
change on the shared machine hits every contender alike. Reports the median and p90 per step
and the ratio of medians to the core's.

Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

CONTENDERS = [
    ("core", "cognito-auth-core (Rust, this repo)"),
    ("acij", "amazon-cognito-identity-js 6.3.21 (AuthenticationHelper)"),
    ("amplify", "Amplify JS v6, @aws-amplify/auth 6.21.1 (srp/AuthenticationHelper)"),
    ("pycognito", "pycognito 2024.5.1 (AWSSRP.process_challenge)"),
    ("gmpy2", "gmpy2 2.3.2 powmod (the core's maths on GMP)"),
    ("gmpy2-sec", "gmpy2 2.3.2 powmod_sec (constant time)"),
]

VECTOR = "user-step-by-step"


class Worker:
    def __init__(self, name, argv, cwd):
        self.name = name
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name}: worker exited (status {self.proc.wait()})")
        reply = json.loads(line)
        if "error" in reply:
            raise SystemExit(f"{self.name}: {reply['error']}")
        return reply

    def close(self):
        try:
            self.proc.stdin.write('{"cmd":"quit"}\n')
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def fmt_ms(ns):
    ms = ns / 1e6
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}"


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core-bin", required=True)
    parser.add_argument("--node", default="node")
    parser.add_argument("--python", required=True, help="the venv's python (pycognito, gmpy2)")
    parser.add_argument("--vectors", required=True)
    parser.add_argument("--iterations", type=int, default=60, help="timed steps per worker")
    parser.add_argument("--rounds", type=int, default=12, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps per worker")
    parser.add_argument("--a-bits", default="256,1024", help="configurations: 256 and/or 1024")
    parser.add_argument("--only", default="", help="comma-separated contenders (core always)")
    args = parser.parse_args()
    if args.iterations % args.rounds:
        raise SystemExit("--iterations must be a multiple of --rounds")
    here = os.path.dirname(os.path.abspath(__file__))

    with open(args.vectors) as f:
        vector = next(v for v in json.load(f)["vectors"] if v["name"] == VECTOR)
    inputs = {
        "pool_id": f"us-east-1_{vector['pool_name']}",
        "user_id": vector["user_id_for_srp"],
        "password": vector["password"],
        "salt": vector["salt"],
        "srp_b": vector["B"],
        "secret_block": vector["secret_block"],
        "timestamp": vector["timestamp"],
    }
    published = vector["expected"]["password_claim_signature"]
    configs = []
    for bits in args.a_bits.split(","):
        if bits == "1024":
            configs.append(("a = the vector's 1024-bit a", vector["a"], published))
        elif bits == "256":
            # The vector's a cut to its top 256 bits: the size the core generates.
            configs.append(("a = 256 bits (top 64 hex digits of the vector's a)", vector["a"][:64], None))
        else:
            raise SystemExit(f"--a-bits: unknown {bits}")

    wanted = {"core"} | {c for c in args.only.split(",") if c}
    chosen = [(k, label) for k, label in CONTENDERS if not args.only or k in wanted]
    argv = {
        "core": [args.core_bin],
        "acij": [args.node, os.path.join(here, "worker.mjs"), "acij"],
        "amplify": [args.node, os.path.join(here, "worker.mjs"), "amplify"],
        "pycognito": [args.python, os.path.join(here, "worker.py"), "pycognito"],
        "gmpy2": [args.python, os.path.join(here, "worker.py"), "gmpy2"],
        "gmpy2-sec": [args.python, os.path.join(here, "worker.py"), "gmpy2-sec"],
    }
    workers = {k: Worker(k, argv[k], here) for k, _ in chosen}
    started = datetime.datetime.now(datetime.timezone.utc)
    print(f"SRP side by side: client PASSWORD_VERIFIER step, A precomputed", flush=True)
    print(f"date {started:%Y-%m-%d %H:%M} UTC; machine: {machine()}")
    print(f"{version(['rustc', '--version'])}; node {version([args.node, '--version'])}; "
          f"{version([args.python, '--version'])}")
    print(f"inputs: vector '{VECTOR}' of {os.path.basename(args.vectors)}; "
          f"warm-up {args.warmup}, then {args.iterations} timed steps per implementation "
          f"in {args.rounds} interleaved rounds")
    failed = False
    try:
        for title, a_hex, expected in configs:
            setup = dict(inputs, cmd="setup", a=a_hex)
            signatures = {k: w.ask(setup)["signature"] for k, w in workers.items()}
            reference = signatures["core"]
            if expected is not None and reference != expected:
                print(f"core: {reference} but the vector says {expected}")
                failed = True
            for k, sig in signatures.items():
                if sig != reference:
                    print(f"{k}: signature {sig} differs from the core's {reference}")
                    failed = True
            if failed:
                raise SystemExit(1)
            for w in workers.values():
                w.ask({"cmd": "run", "n": args.warmup})
            samples = {k: [] for k in workers}
            order = list(workers)
            load_start = load_average()
            loads = [load_start]
            t0 = time.monotonic()
            batch = args.iterations // args.rounds
            for r in range(args.rounds):
                turn = order[r % len(order):] + order[: r % len(order)]
                for k in turn:
                    reply = workers[k].ask({"cmd": "run", "n": batch})
                    if reply["signature"] != reference:
                        print(f"{k}: signature changed to {reply['signature']}")
                        failed = True
                    samples[k].extend(reply["ns"])
                loads.append(load_average())
            elapsed = time.monotonic() - t0
            core_median = statistics.median(samples["core"])
            print()
            print(f"### {title}")
            print()
            print(f"every signature = {reference}"
                  + (" (= the published one)" if expected else " (= the core's)"))
            print(f"1-minute load average {min(loads):.2f}-{max(loads):.2f} "
                  f"(start {load_start:.2f}, end {loads[-1]:.2f}); {elapsed:.0f} s")
            print()
            print("| implementation | median | p90 | median / core |")
            print("| --- | --- | --- | --- |")
            for k, label in chosen:
                med = statistics.median(samples[k])
                p90 = percentile(samples[k], 0.9)
                ratio = "1.0×" if k == "core" else f"{med / core_median:.1f}×"
                print(f"| {label} | {fmt_ms(med)} | {fmt_ms(p90)} | {ratio} |")
            sys.stdout.flush()
    finally:
        for w in workers.values():
            w.close()
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
