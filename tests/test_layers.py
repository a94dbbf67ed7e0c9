"""Imports go one way: handlers and the scheduler call flows and services, never each other; flows never call up
into them; services know nothing of Slack. Read from the source with `ast`, so a lazy import inside a function
counts as much as one at the top of the file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What any listener module may import from its own layer: request reading, the error wrapper, the user's today.
SHARED_HANDLER_MODULES = {"handlers.context", "handlers.errors", "handlers.clock"}
UP_FROM_FLOWS = ("handlers", "scheduler", "slack_bolt")
UP_FROM_SERVICES = ("slack_bolt", "slack_sdk", "bot.slack", "bot.flows", "handlers", "scheduler")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def resolves_to_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, as dotted names (`from a import b` counts as `a.b` when b is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root)
    package = here if is_package(path) else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[:len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            modules = {f"{base}.{a.name}" for a in node.names if resolves_to_module(f"{base}.{a.name}", root)}
            found.update(modules if len(modules) == len(node.names) else {*modules, base})
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_registration(path: Path, imported: str, root: Path = ROOT) -> bool:
    """A package's __init__ importing its own direct submodules to register them (handlers/actions/__init__.py)."""
    return is_package(path) and imported.rpartition(".")[0] == module_name(path, root)


def crossings(root: Path = ROOT) -> list[str]:
    """Every import that goes against the layers, as `importer -> imported`."""
    def scan(top: str) -> list[tuple[Path, str, set[str]]]:
        paths = sorted(p for p in (root / top).rglob("*.py") if "__pycache__" not in p.parts)
        return [(p, module_name(p, root), imports_of(p, root)) for p in paths]

    found: list[str] = []
    for path, name, imported in scan("handlers"):
        found += [f"{name} -> {i}" for i in sorted(imported) if within(i, "scheduler") or (
            within(i, "handlers") and i not in ("handlers", name, *SHARED_HANDLER_MODULES)
            and not is_registration(path, i, root))]
    for _, name, imported in scan("scheduler"):
        found += [f"{name} -> {i}" for i in sorted(imported) if within(i, "handlers")]
    for _, name, imported in scan("bot/flows"):
        found += [f"{name} -> {i}" for i in sorted(imported) if any(within(i, p) for p in UP_FROM_FLOWS)]
    for _, name, imported in scan("bot/services"):
        found += [f"{name} -> {i}" for i in sorted(imported) if any(within(i, p) for p in UP_FROM_SERVICES)]
    return found


def test_imports_follow_the_layers():
    assert crossings() == []


FAKE_TREE = ("handlers/__init__.py", "handlers/context.py", "handlers/commands/__init__.py",
             "handlers/commands/logtime.py", "handlers/actions/__init__.py", "handlers/actions/statement.py",
             "scheduler/__init__.py", "scheduler/jobs.py", "bot/__init__.py", "bot/flows/__init__.py",
             "bot/services/__init__.py")


@pytest.mark.parametrize(("source", "code"), [
    ("handlers/commands/x.py", "from scheduler.jobs import run_budget_alerts"),
    ("handlers/actions/x.py", "from handlers.commands.logtime import ledger_changed"),
    ("handlers/actions/x.py", "from handlers.commands import logtime"),
    ("handlers/actions/x.py", "from ..commands import logtime"),
    ("handlers/commands/x.py", "def later():\n    from handlers.actions.statement import send_and_tell"),
    ("scheduler/x.py", "import handlers.commands.logtime"),
    ("bot/flows/x.py", "from handlers.context import team_of"),
    ("bot/flows/x.py", "from slack_bolt import App"),
    ("bot/services/x.py", "from slack_bolt import App"),
    ("bot/services/x.py", "from slack_sdk import WebClient"),
    ("bot/services/x.py", "from bot.flows import month_close"),
])
def test_a_crossing_is_caught(tmp_path, source, code):
    """The check sees each kind of crossing it promises to, at the top of a file or inside a function."""
    for name in FAKE_TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert crossings(tmp_path) == []
    (tmp_path / source).write_text(code + "\n")
    assert len(crossings(tmp_path)) == 1


@pytest.mark.parametrize(("source", "code"), [
    ("handlers/commands/x.py", "from handlers.context import team_of\nfrom handlers.errors import user_errors"),
    ("handlers/commands/__init__.py", "from handlers.commands import logtime"),
    ("handlers/__init__.py", "from handlers import commands, errors"),
    ("handlers/commands/x.py", "from bot.flows import month_close\nfrom bot.services import timelog"),
    ("scheduler/x.py", "from bot.flows.scheduled_posts import post_due"),
])
def test_the_layers_own_imports_are_not_crossings(tmp_path, source, code):
    """Shared listener helpers, a package registering its own submodules, and calls down into flows are fine."""
    for name in FAKE_TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / source).write_text(code + "\n")
    assert crossings(tmp_path) == []
