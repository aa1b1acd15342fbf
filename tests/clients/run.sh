#!/usr/bin/env bash
# Runs two independent Cognito clients against the local cognito-emulator:
#   js/  amazon-cognito-identity-js (node --test)
#   py/  pycognito + boto3 (pytest)
# Installs what they need first (npm ci; a venv in py/.venv). Exits non-zero on any failure.
#
# The emulator binary comes from $COGNITO_EMULATOR_BIN, or <repo>/target/debug/cognito-emulator
# (build it with `cargo build -p cognito-emulator`). All traffic stays on 127.0.0.1.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
export COGNITO_EMULATOR_BIN="${COGNITO_EMULATOR_BIN:-$REPO_ROOT/target/debug/cognito-emulator}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$COGNITO_EMULATOR_BIN" ]; then
  echo "run.sh: emulator binary not found at $COGNITO_EMULATOR_BIN" >&2
  echo "run.sh: build it with: (cd $REPO_ROOT && cargo build -p cognito-emulator)" >&2
  exit 2
fi

set -e
echo "== installing amazon-cognito-identity-js (npm ci)"
(cd "$HERE/js" && npm ci --no-audit --no-fund --loglevel=error)

echo "== installing pycognito (venv at py/.venv)"
if [ ! -x "$HERE/py/.venv/bin/python" ]; then
  "$PYTHON" -m venv "$HERE/py/.venv"
fi
"$HERE/py/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/py/requirements.txt"
set +e

status=0
JS_LOG="$(mktemp)"; PY_LOG="$(mktemp)"

echo "== amazon-cognito-identity-js"
(cd "$HERE/js" && node --test --test-concurrency=1 --test-reporter=spec test/*.test.mjs) 2>&1 | tee "$JS_LOG"
js_rc=${PIPESTATUS[0]}
[ "$js_rc" -eq 0 ] || status=1

echo "== pycognito"
(cd "$HERE/py" && .venv/bin/python -m pytest) 2>&1 | tee "$PY_LOG"
py_rc=${PIPESTATUS[0]}
[ "$py_rc" -eq 0 ] || status=1

echo
echo "== summary"
echo "amazon-cognito-identity-js (exit $js_rc):"
grep -E '^ℹ (tests|pass|fail|skipped|todo) ' "$JS_LOG" || true
echo "pycognito (exit $py_rc):"
py_line="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$PY_LOG" | tail -1)"
echo "$py_line"
js_pass="$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$JS_LOG" | tail -1)"
js_fail="$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$JS_LOG" | tail -1)"
py_pass="$(echo "$py_line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)"
py_fail="$(echo "$py_line" | grep -oE '[0-9]+ (failed|errors?)' | awk '{n += $1} END {print n + 0}')"
total_pass=$(( ${js_pass:-0} + ${py_pass:-0} ))
total_fail=$(( ${js_fail:-0} + ${py_fail:-0} ))
# a suite that crashed before reporting counts as one failure
if [ "$js_rc" -ne 0 ] && [ "${js_fail:-0}" -eq 0 ]; then total_fail=$(( total_fail + 1 )); fi
if [ "$py_rc" -ne 0 ] && [ "${py_fail:-0}" -eq 0 ]; then total_fail=$(( total_fail + 1 )); fi
echo
echo "clients: ${total_pass} passed, ${total_fail} failed"
rm -f "$JS_LOG" "$PY_LOG"
exit $status
