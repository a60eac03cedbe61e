"""Sampling the server with py-spy while a scenario runs, and the top of the profile as
text (inclusive and self time by function, from py-spy's collapsed stacks)."""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

LINE = re.compile(r" \((?P<file>[^()]*?)(?::\d+)?\)$")


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, out: Path, *, core: str | None) -> subprocess.Popen | None:
    """py-spy record of ``pid`` for ``seconds`` into ``out`` (collapsed stacks), pinned to
    the client's core, without pausing the server (``--nonblocking``). None without py-spy."""
    binary = py_spy()
    if binary is None:
        return None
    argv = [
        binary,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        "250",
        "--format",
        "raw",
        "--nonblocking",
        "--gil",
        "--output",
        str(out),
    ]
    if core is not None:
        argv = ["taskset", "-c", core, *argv]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _function(frame: str) -> str:
    """``name (path/to/module.py:12)`` → ``name (module.py)``: lines merged, paths cut
    to the package."""
    match = LINE.search(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{frame[: match.start()]} ({path})"


# Frames every sample passes through (thread and event-loop plumbing): left out of the
# inclusive list, where they would fill the top without saying anything.
PLUMBING = (
    "(threading.py)",
    "(concurrent/futures/",
    "(<frozen runpy>)",
    "(click/",
    "(uvicorn/main.py)",
    "(uvicorn/server.py)",
    "(uvicorn/__main__.py)",
    "(asyncio/runners.py)",
    "(contextlib.py)",
    "(asgiref/sync.py)",
    "(channels/db.py)",
)


def top(raw: Path, limit: int = 40) -> dict:
    """Inclusive and self sample shares by function (plumbing frames left out of the
    inclusive list)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_function(f) for f in stack.split(";") if f]
        # Skip the thread name at the root that py-spy adds.
        frames = [f for f in frames if not f.startswith("process ") and not f.startswith("thread ")]
        for name in set(frames):
            inclusive[name] += samples
        if frames:
            own[frames[-1]] += samples
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    useful = [
        (name, n) for name, n in inclusive.most_common() if not any(p in name for p in PLUMBING)
    ]
    return {
        "samples": total,
        "inclusive": [(name, share(n)) for name, n in useful[:limit]],
        "self": [(name, share(n)) for name, n in own.most_common(limit)],
    }


def format_top(profile: dict, limit: int = 20) -> str:
    lines = [f"{profile['samples']} samples", "", "inclusive %  function"]
    lines += [f"{pct:10.1f}   {name}" for name, pct in profile["inclusive"][:limit]]
    lines += ["", "self %       function"]
    lines += [f"{pct:10.1f}   {name}" for name, pct in profile["self"][:limit]]
    return "\n".join(lines)
