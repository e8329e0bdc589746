"""Where a request's CPU goes: seconds of CPU used by each kind of process on the machine
(gunicorn's workers, PostgreSQL's backends, Redis, the load client itself) between two
snapshots, read from ``/proc`` (Linux; elsewhere the snapshots are empty).

Wall-clock ratios say whether a target is met; this says which side to work on. A tap that costs
three floors in gunicorn and five in PostgreSQL calls for other work than the reverse, and a
profile of the Python alone cannot tell them apart (issue 20)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
KINDS = ("gunicorn", "postgres", "redis", "client")


def _read(pid: str) -> tuple[str, int, float] | None:
    """A process's command line, parent and CPU seconds so far; None once it is gone."""
    entry = _PROC / pid
    try:
        command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        # After the command's closing parenthesis: ppid is field 4, utime and stime 14 and 15.
        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


def _kind(command: str) -> str | None:
    if "gunicorn" in command:
        return "gunicorn"
    if command.startswith("postgres") or "/postgres " in command or "postgres:" in command:
        return "postgres"
    if command.startswith("redis-server") or "/redis-server" in command:
        return "redis"
    return None


def _ours(command: str, kind: str, ancestors: list[str], commands: dict[str, str]) -> bool:
    """Whether a process belongs to this run, not to someone else's on a shared machine:
    PostgreSQL's server started on ``POE_TEST_WORK_DIR`` (scripts/with-services.sh) and its
    backends, Redis on ``POE_TEST_REDIS_PORT``, and the gunicorn this client started. Without
    those settings (a run against other services) every process of the kind counts."""
    if kind == "gunicorn":
        return str(os.getpid()) in ancestors
    if kind == "postgres":
        work = os.environ.get("POE_TEST_WORK_DIR")
        if not work:
            return True
        data = f"{work.rstrip('/')}/pg"
        return data in command or any(data in commands.get(pid, "") for pid in ancestors)
    port = os.environ.get("POE_TEST_REDIS_PORT")
    return not port or f":{port}" in command


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds so far, by process id, with each process's kind."""

    seconds: dict[str, tuple[str, float]]

    @classmethod
    def take(cls) -> Snapshot:
        found: dict[str, tuple[str, float]] = {}
        if not _PROC.is_dir():
            return cls(found)
        processes: dict[str, tuple[str, int, float]] = {}
        for entry in _PROC.iterdir():
            if entry.name.isdigit() and (read := _read(entry.name)) is not None:
                processes[entry.name] = read
        commands = {pid: command for pid, (command, _parent, _cpu) in processes.items()}
        me = str(os.getpid())
        for pid, (command, parent, seconds) in processes.items():
            kind = "client" if pid == me else _kind(command)
            if kind is None:
                continue
            ancestors = _ancestors(str(parent), processes)
            if kind == "client" or _ours(command, kind, ancestors, commands):
                found[pid] = (kind, seconds)
        return cls(found)

    def since(self, earlier: Snapshot) -> dict[str, float]:
        """CPU seconds used by each kind from ``earlier`` to this one (processes that started
        in between count from zero)."""
        used = dict.fromkeys(KINDS, 0.0)
        for pid, (kind, seconds) in self.seconds.items():
            used[kind] += seconds - earlier.seconds.get(pid, (kind, 0.0))[1]
        return used


def _ancestors(pid: str, processes: dict[str, tuple[str, int, float]]) -> list[str]:
    chain: list[str] = []
    while pid in processes and pid not in chain:
        chain.append(pid)
        pid = str(processes[pid][1])
    return chain


def per_request(used: dict[str, float], requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by kind."""
    return {kind: 1000 * seconds / max(requests, 1) for kind, seconds in used.items()}


def added(*parts: dict[str, float]) -> dict[str, float]:
    total = dict.fromkeys(KINDS, 0.0)
    for part in parts:
        for kind, seconds in part.items():
            total[kind] += seconds
    return total


def in_words(tap: dict[str, float], floor: dict[str, float]) -> str:
    """``gunicorn 7.6 (floor 2.9), postgres 3.0 (0.6), …`` in ms a request."""
    return (
        ", ".join(
            f"{kind} {tap[kind]:.2f} ({floor[kind]:.2f})"
            for kind in KINDS
            if tap[kind] or floor[kind]
        )
        + f"; all {sum(tap.values()):.2f} ({sum(floor.values()):.2f})"
    )
