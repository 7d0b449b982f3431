#!/usr/bin/env bash
# What the test suite needs beyond npm, checked (and installed once, quietly) before `npm test`:
#   chromium          /usr/bin/chromium, driven by playwright-core in the browser tests
#   postgresql        the PostgreSQL 15 server binaries, for the store tests' throwaway cluster
#   python3-torch     PyTorch for /usr/bin/python3 (the PyTorch example's tests)
#   python3-optuna    Optuna for /usr/bin/python3 (export-optuna is loaded by the real Optuna)
# All are Debian packages. As root (CI), or with passwordless sudo, the missing ones are installed
# with apt-get; otherwise this fails with one line naming exactly what to install, so that no
# browser, server or Python test is ever skipped silently.
#
# FINESWEEP_NO_INSTALL=1 only checks. The probes' paths can be overridden (PREREQ_CHROMIUM,
# PREREQ_PG_BIN, PREREQ_PYTHON) so that tests/prereqs.test.ts can simulate a machine without them.
set -uo pipefail

chromium_bin="${PREREQ_CHROMIUM:-/usr/bin/chromium}"
pg_bin="${PREREQ_PG_BIN:-/usr/lib/postgresql/15/bin}"
python_bin="${PREREQ_PYTHON:-/usr/bin/python3}"

has_python_module() {
  [ -x "$python_bin" ] && "$python_bin" -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('$1') else 1)" 2>/dev/null
}

# Prints the Debian packages whose probe fails, space-separated.
missing_packages() {
  local out=()
  [ -x "$chromium_bin" ] || out+=(chromium)
  { [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/postgres" ]; } || out+=(postgresql)
  has_python_module torch || out+=(python3-torch)
  has_python_module optuna || out+=(python3-optuna)
  echo "${out[*]:-}"
}

missing="$(missing_packages)"
[ -z "$missing" ] && exit 0

fail() {
  echo "npm test needs the Debian packages: $missing (${1}); install them with: sudo apt-get install -y $missing" >&2
  exit 1
}

if [ "${FINESWEEP_NO_INSTALL:-}" = 1 ]; then fail "FINESWEEP_NO_INSTALL=1"; fi
command -v apt-get >/dev/null 2>&1 || fail "no apt-get on this machine"
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  fail "not root and no passwordless sudo"
fi

log="$(mktemp "${TMPDIR:-/tmp}/finesweep-test-prereqs.XXXXXX.log")"
echo "npm test: installing the Debian packages $missing (once; log in $log)" >&2
# No recommends (python3-torch would pull a compiler toolchain), but chromium's fonts, so that
# pages and screenshots render text.
extra=()
case " $missing " in *" chromium "*) extra+=(fonts-liberation) ;; esac
# shellcheck disable=SC2086
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing "${extra[@]}"; } >"$log" 2>&1; then
  tail -n 5 "$log" >&2
  fail "apt-get failed, see $log"
fi

missing="$(missing_packages)"
[ -z "$missing" ] || fail "still missing after apt-get install, see $log"
rm -f "$log"
exit 0
