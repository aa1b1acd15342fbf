"""The client PASSWORD_VERIFIER step in Python, as a worker for scripts/bench-srp-side-by-side.

Same line protocol as core/examples/srp_step.rs:
  {"cmd":"setup", a, pool_id, user_id, password, salt, srp_b, secret_block, timestamp}
      -> {"signature"}           (A = g^a computed here, outside any timing)
  {"cmd":"run","n":N}         -> {"ns":[...], "signature"}
  {"cmd":"quit"}

Usage: python worker.py pycognito|gmpy2|gmpy2-sec
  pycognito  PyPI pycognito: AWSSRP.process_challenge (its clock read replaced by the fixed
             timestamp); the answer's PASSWORD_CLAIM_SIGNATURE.
  gmpy2      the core's maths (core/src/srp) written here with GMP through gmpy2, powmod.
  gmpy2-sec  the same with powmod_sec (GMP's mpz_powm_sec, constant time) for g^x and S.
Each timed step starts from the challenge's strings (SRP_B, SALT, SECRET_BLOCK,
USER_ID_FOR_SRP) and ends with the PASSWORD_CLAIM_SIGNATURE string.
"""

import base64
import datetime
import hashlib
import hmac
import json
import sys
import time
import types

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
KEY_INFO = b"Caldera Derived Key"


def pycognito_step(cmd):
    """pycognito's own code path, with a fixed a and a fixed clock."""
    from pycognito import aws_srp

    when = datetime.datetime.strptime(cmd["timestamp"], "%a %b %d %H:%M:%S UTC %Y")
    # process_challenge reads datetime.datetime.utcnow(); answer the fixed time instead.
    fixed = types.SimpleNamespace(utcnow=lambda: when)
    aws_srp.datetime = types.SimpleNamespace(datetime=fixed)
    # No boto3 client is used by process_challenge; any object will do.
    srp = aws_srp.AWSSRP(
        username=cmd["user_id"],
        password=cmd["password"],
        pool_id=cmd["pool_id"],
        client_id="client",
        client=object(),
    )
    srp.small_a_value = int(cmd["a"], 16) % srp.big_n
    srp.large_a_value = srp.calculate_a()
    challenge = {
        "USER_ID_FOR_SRP": cmd["user_id"],
        "USERNAME": cmd["user_id"],
        "SALT": cmd["salt"],
        "SRP_B": cmd["srp_b"],
        "SECRET_BLOCK": cmd["secret_block"],
    }
    request = {"USERNAME": cmd["user_id"]}

    def step():
        return srp.process_challenge(challenge, request)["PASSWORD_CLAIM_SIGNATURE"]

    return step


def encode(value):
    """Minimal big-endian two's complement of a non-negative number (0x00 in front when the top
    bit is set), as core/src/srp/encoding.rs hashes big integers."""
    number = int(value)
    raw = number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def gmpy2_step(cmd, secure):
    """The core's maths (core/src/srp/client.rs and proof.rs), written here on GMP."""
    import gmpy2

    powmod = gmpy2.powmod_sec if secure else gmpy2.powmod
    n = gmpy2.mpz(N_HEX, 16)
    g = gmpy2.mpz(2)
    k = gmpy2.mpz(hashlib.sha256(encode(n) + encode(g)).hexdigest(), 16)
    a = gmpy2.mpz(cmd["a"], 16) % (n - 1)
    a_pub = powmod(g, a, n)
    pool_name = cmd["pool_id"].split("_", 1)[1] if "_" in cmd["pool_id"] else cmd["pool_id"]
    prefix = pool_name.encode()
    a_enc = encode(a_pub)

    def step():
        user_id = cmd["user_id"]
        b_pub = gmpy2.mpz(cmd["srp_b"], 16) % n
        if b_pub == 0:
            raise ValueError("B mod N = 0")
        u = gmpy2.mpz(hashlib.sha256(a_enc + encode(b_pub)).hexdigest(), 16)
        if u == 0:
            raise ValueError("u = 0")
        salt = encode(int(cmd["salt"], 16))
        inner = hashlib.sha256(prefix + user_id.encode() + b":" + cmd["password"].encode()).digest()
        x = gmpy2.mpz(hashlib.sha256(salt + inner).hexdigest(), 16)
        base = (b_pub - k * powmod(g, x, n)) % n
        shared = powmod(base, (a + u * x) % (n - 1), n)
        prk = hmac.new(encode(u), encode(shared), hashlib.sha256).digest()
        key = hmac.new(prk, KEY_INFO + b"\x01", hashlib.sha256).digest()[:16]
        message = (
            prefix
            + user_id.encode()
            + base64.b64decode(cmd["secret_block"])
            + cmd["timestamp"].encode()
        )
        return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()

    return step


MAKERS = {
    "pycognito": pycognito_step,
    "gmpy2": lambda cmd: gmpy2_step(cmd, secure=False),
    "gmpy2-sec": lambda cmd: gmpy2_step(cmd, secure=True),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MAKERS:
        sys.exit(f"usage: python worker.py {'|'.join(MAKERS)}")
    make = MAKERS[sys.argv[1]]
    step = None
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        try:
            if cmd["cmd"] == "setup":
                step = make(cmd)
                reply = {"signature": step()}
            elif cmd["cmd"] == "run":
                ns = []
                signature = ""
                for _ in range(cmd["n"]):
                    start = time.perf_counter_ns()
                    signature = step()
                    ns.append(time.perf_counter_ns() - start)
                reply = {"ns": ns, "signature": signature}
            else:
                reply = {"error": f"unknown command {cmd['cmd']}"}
        except Exception as e:  # reported to the driver, which fails the run
            reply = {"error": repr(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
