"""The load side of bench.load: the URLs under test, the load generators (wrk, or Python
threads without it), and py-spy over gunicorn's workers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Target:
    name: str
    path: str
    cookie: str = ""


@dataclass
class Result:
    name: str
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    queries: int | None = None


@contextmanager
def stopped_on_exit(process: subprocess.Popen, *, grace: float = 30.0):
    """Terminate the process, and its group if it leads one (gunicorn's workers), however the
    block ends; SIGKILL after `grace` seconds."""
    try:
        yield process
    finally:
        if process.poll() is None:
            _signal(process, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.wait()


def _signal(process: subprocess.Popen, signum: int) -> None:
    with suppress(ProcessLookupError):
        if os.getpgid(process.pid) == process.pid:  # started with start_new_session
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)


# A CSRF secret as Django sets it in the cookie (32 letters and digits).
CSRF_SECRET = "BenchLoadCsrfSecret0123456789abc"  # noqa: S105 (bench only)


def headers(target: Target) -> dict[str, str]:
    # What a browser sends after its first page: static/js/tz.js stores the zone in a cookie,
    # and every page with a form (the cookie banner, the language switch) set the CSRF cookie;
    # without it each request would make a new secret and a Set-Cookie, which browsers do not.
    cookies = [
        "sofadoc_tz=Europe/Berlin",
        f"csrftoken={CSRF_SECRET}",
        *([target.cookie] if target.cookie else []),
    ]
    return {
        "X-Forwarded-Proto": "https",  # as the TLS proxy in front sets it
        "Accept-Language": "de",
        "Cookie": "; ".join(cookies),
    }


def fetch(port: int, target: Target) -> tuple[int, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{target.path}", headers=headers(target)
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- Load generators ----------------------------------------------------------------------------


def run_load(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    if shutil.which("wrk"):
        return _wrk(port, target, seconds=seconds, connections=connections)
    return _python_load(port, target, seconds=seconds, connections=connections)


def _wrk(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "10s"]  # a slow page is measured, not dropped at 2 s
    for name, value in headers(target).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{target.path}")
    process = subprocess.Popen(  # noqa: S603 - wrk with our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with stopped_on_exit(process, grace=2):
        output, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"wrk failed:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        name=target.name,
        path=target.path,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors,
    )


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def _python_load(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    """Fallback without wrk: one keep-alive connection per thread (the GIL caps it lower)."""
    import http.client

    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=headers(target))
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except OSError:
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - began) * 1000)
        conn.close()
        with lock:
            samples.extend(mine)
            errors[0] += failed

    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    samples.sort()
    return Result(
        name=target.name,
        path=target.path,
        requests_per_s=len(samples) / elapsed,
        p50_ms=samples[len(samples) // 2],
        p99_ms=samples[max(0, int(len(samples) * 0.99) - 1)],
        requests=len(samples),
        errors=errors[0],
    )


# --- Profiling ----------------------------------------------------------------------------------


@contextmanager
def profiled(master_pid: int, name: str, seconds: float, into: dict[str, str]):
    """py-spy samples all workers while the block runs; the hottest frames land in `into`."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        yield
        return
    raw = ROOT / "var" / f"bench-load-{name.replace(' ', '-')}.folded"
    process = subprocess.Popen(  # noqa: S603 - py-spy with our own arguments
        [
            py_spy,
            "record",
            "--pid",
            str(master_pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "200",
            "--duration",
            str(max(1, round(seconds))),
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with stopped_on_exit(process, grace=5):
        yield
        with suppress(subprocess.TimeoutExpired):
            process.wait(seconds + 10)
    if raw.exists():
        into[name] = hottest_frames(raw.read_text())


def hottest_frames(folded: str, *, top: int = 25) -> str:
    """Where the workers spend their time: inclusive share per function outside gunicorn's
    own loop, and the leaf (self) share per function."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = [_frame(f) for f in stack.split(";") if "(" in f]
        for frame in set(frames):
            if not frame.endswith("(gunicorn)") and "(gunicorn/" not in frame:
                inclusive[frame] += int(count)
        if frames:
            leaf[frames[-1]] += int(count)
    if not total:
        return ""
    rows = ["| inclusive | function |", "| ---: | --- |"]
    rows += [f"| {n / total:.1%} | `{frame}` |" for frame, n in inclusive.most_common(top)]
    rows += ["", "| self | function |", "| ---: | --- |"]
    rows += [f"| {n / total:.1%} | `{frame}` |" for frame, n in leaf.most_common(top)]
    return "\n".join(rows)


def _frame(frame: str) -> str:
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    for marker in ("/site-packages/", f"{ROOT}/"):
        path = path.split(marker, 1)[-1]
    return f"{name} ({path})"
