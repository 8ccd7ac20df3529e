"""Throwaway Redis servers and PostgreSQL clusters on free loopback ports, for fault tests
that stop and start them (never the machine's shared ones)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
#: The servers these tests start run without debug, so they need a key of their own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or f"throwaway-{secrets.token_urlsafe(40)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} within {timeout} s")


class Redis:
    """`redis-server` without persistence on a free port; stop() kills it, start() brings a
    fresh one back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Redis:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: port_answers(self.port), 15, "redis-server did not listen")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        wait_until(lambda: not port_answers(self.port), 10, "redis-server did not stop")

    def llen(self, key: str) -> int:
        import redis

        return redis.Redis(port=self.port).llen(key)


class Postgres:
    """A PostgreSQL cluster of its own (initdb in a temp dir, run as the `postgres` OS user
    when we are root, since initdb refuses root) on a free port; trust auth on loopback."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kvi-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)

    def init(self) -> Postgres:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        return self

    def start(self) -> Postgres:
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", opts, "-w", "-t", "30", "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def createdb(self, name: str) -> str:
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", name)  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(*args: str, env: dict) -> str:
    """Run `manage.py` with the given environment; returns its output, raises on failure."""
    import sys

    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Gunicorn:
    """The project under gunicorn on a free loopback port, as production runs it."""

    def __init__(self, env: dict, workers: int = 2, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.workers = workers
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        import sys

        out = self.log.open("a") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "kvi_portal.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--timeout", "60", "--graceful-timeout", "5",
            ],
            env=self.env,
            cwd=Path(__file__).resolve().parents[2],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(lambda: port_answers(self.port), 60, "gunicorn did not listen")
        return self

    def worker_pids(self) -> set[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(p) for p in children.read_text().split()} if children.exists() else set()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
