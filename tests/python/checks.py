# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Python cross-checks share: one line per check, and running the apiq CLI."""
import subprocess
import sys

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}")
    return r.stdout


def finish():
    """Prints the verdict; the exit code for main()."""
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0
