"""Processes the benchmark starts and watches: ASGI servers pinned to a core, and the
figures read from ``/proc`` (CPU time and resident memory).

Every start waits a bounded time for the port; every stop terminates, then kills."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\b[:(]?")
STARTUP_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")

# The production command line (deploy/Dockerfile), less host and port. permessage-deflate
# is off: browsers always offer it, and uvicorn accepts it by default, which keeps two zlib
# contexts per socket (docs/benchmarks.md).
UVICORN_ARGS = [
    "--lifespan",
    "off",
    "--no-access-log",
    "--log-level",
    "warning",
    "--ws-per-message-deflate",
    "false",
]


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_cores() -> tuple[str | None, str | None]:
    """(server core, client core) as taskset lists; (None, None) on one core or without
    taskset, when nothing is pinned."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None:
        return None, None
    return str(cores[0]), str(cores[1])


def pin_self(core: str | None) -> None:
    """Pin this (load client) process to ``core``."""
    if core is not None:
        os.sched_setaffinity(0, {int(core)})


@dataclass
class Server:
    """One ASGI server process listening on 127.0.0.1:``port``."""

    kind: str
    app: str
    port: int
    process: subprocess.Popen
    log: Path
    argv: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return rss_bytes(self.pid)

    def stop(self) -> None:
        stop(self.process)

    def errors(self) -> dict:
        """Unhandled exceptions in the server's log: how many, and the distinct final
        lines of their tracebacks (at most five)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return {"count": 0, "samples": []}
        count = text.count("Exception in ASGI application")
        finals = []
        for line in text.splitlines():
            if ERROR_LINE.match(line) and line not in finals:
                finals.append(line[:200])
        return {"count": count, "samples": finals[:5]}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_argv(kind: str, app: str, port: int, *, deflate: bool = False) -> list[str]:
    if kind == "uvicorn":
        args = list(UVICORN_ARGS)
        args[args.index("--ws-per-message-deflate") + 1] = "true" if deflate else "false"
        return [
            *[sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)],
            *args,
        ]
    if kind == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    raise ValueError(f"unknown server {kind!r}")


def start_server(
    kind: str,
    app: str,
    env: dict[str, str],
    *,
    core: str | None,
    log_dir: Path,
    deflate: bool = False,
) -> Server:
    """Start ``kind`` (uvicorn or daphne) serving ``app`` on a free port, pinned to ``core``
    with taskset when given. Raises RuntimeError with the log's tail if it does not listen
    within STARTUP_TIMEOUT_S."""
    port = free_port()
    argv = server_argv(kind, app, port, deflate=deflate)
    if core is not None:
        argv = ["taskset", "-c", core, *argv]
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{kind}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(kind=kind, app=app, port=port, process=process, log=log, argv=argv)
    try:
        wait_for_port(port, process)
    except Exception as error:
        server.stop()
        raise RuntimeError(f"{kind} did not start: {error}\n{server.log_tail()}") from None
    return server


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = STARTUP_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after STOP_TIMEOUT_S: the process only, by its id."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (all its threads), from /proc/PID/stat."""
    fields = _stat_fields(pid)
    # utime and stime are fields 14 and 15; fields[0] here is field 3 (state).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid``, from /proc/PID/statm."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES


def main_thread_cpu_seconds(pid: int) -> float:
    """CPU time of the process's first thread: the event loop of an ASGI server."""
    fields = _stat_fields_of(Path(f"/proc/{pid}/task/{pid}/stat"))
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _stat_fields_of(path: Path) -> list[str]:
    text = path.read_text()
    return text[text.rindex(")") + 2 :].split()


class CpuMeter:
    """CPU seconds used by some processes between ``start()`` and ``stop()``, and the
    share of it spent on their event-loop threads (the rest: worker threads, where the
    product's database work runs)."""

    def __init__(self, *pids: int):
        self.pids = pids

    def start(self) -> "CpuMeter":
        self.cpu0 = sum(cpu_seconds(pid) for pid in self.pids)
        self.loop0 = sum(main_thread_cpu_seconds(pid) for pid in self.pids)
        self.wall0 = time.perf_counter()
        return self

    def stop(self) -> tuple[float, float]:
        """(cpu seconds, wall seconds)."""
        cpu = sum(cpu_seconds(pid) for pid in self.pids) - self.cpu0
        self.loop_cpu = sum(main_thread_cpu_seconds(pid) for pid in self.pids) - self.loop0
        return cpu, time.perf_counter() - self.wall0


async def settle(pids, *, busy_below: float = 0.15, timeout: float = 20.0) -> float:
    """Wait until the servers are idle (under ``busy_below`` of a core over 0.25 s), at
    most ``timeout`` seconds, so that one run's backlog does not spill into the next.
    Returns the seconds waited."""
    import asyncio

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        meter = CpuMeter(*pids).start()
        await asyncio.sleep(0.25)
        cpu, wall = meter.stop()
        if cpu / wall < busy_below:
            break
    return round(time.perf_counter() - started, 2)
