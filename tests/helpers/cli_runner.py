"""The warm parent of `python -m bot` processes (tests/helpers/cli.py starts it; it imports nothing from tests).

A cold `python -m bot ...` spends most of its time importing (slack_bolt, SQLAlchemy, pydantic, alembic,
matplotlib): about a second of CPU per invocation, many times over in the CLI tests. This process imports
the app's modules once and then, per request, forks a child that is set up as a fresh `python -m bot`
would be (its own working directory, environment, stdin from /dev/null, stdout and stderr into files,
default signal handlers) and runs bot/__main__.py. The child exits through the interpreter as any process
does (atexit, non-daemon threads joined), with the exit status `python -m bot` would have.

Protocol, one JSON line per request on stdin: {"argv", "cwd", "env", "stdout", "stderr"}; answered on
stdout by the child's pid and then its return code (negative: killed by that signal), one line each.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import runpy
import signal
import sys

PACKAGES = ("bot", "handlers", "scheduler")


def preload() -> None:
    """Import every module of the app (not __main__, not the migration scripts alembic loads itself)."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name.endswith("__main__") or ".migrations" in module.name:
                continue
            importlib.import_module(module.name)


def child(request: dict) -> None:
    """Become `python -m bot *argv` in request's directory and environment; never returns normally."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], os.O_WRONLY),
                            (2, request["stderr"], os.O_WRONLY)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.path[0] = os.getcwd()  # as `-m` puts the working directory first
    sys.argv = ["-m", *request["argv"]]  # run_module replaces argv[0] by bot/__main__.py, as `-m` does
    runpy.run_module("bot", run_name="__main__", alter_sys=True)  # raises SystemExit(main())


def serve() -> None:
    preload()
    # What the parent imported stays out of the children's garbage collections: without this each child's
    # exit walks (and so copies, page by page) the whole inherited heap, 0.4 s a run. Python's advice for
    # pre-forking servers (see gc.freeze).
    gc.freeze()
    os.write(1, b"ready\n")
    for line in sys.stdin.buffer:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(request)
            return  # only if bot/__main__.py returned without raising: the child exits 0, as Python would
        os.write(1, f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"{os.waitstatus_to_exitcode(status)}\n".encode())


if __name__ == "__main__":
    serve()
