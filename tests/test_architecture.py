"""The package's import graph follows design §2: arrows run one way.

Every import in every module counts, including those inside functions (a lazy import is still a
dependency). The rules: nothing under `ohlora.mind` imports `ohlora.conversation`; only `cli.py`
and `*/commands.py` import a `commands` module; no two files import each other, directly or
through others.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ohlora

PACKAGE = Path(ohlora.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules `name` imports (a `from pkg import mod` counts as importing pkg.mod)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*head, base] if base else head)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in names:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("ohlora"):
                targets.add(target)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_mind_never_imports_conversation():
    graph = _graph()
    bad = sorted(f"{m} -> {t}" for m, ts in graph.items() if m.startswith("ohlora.mind") for t in ts
                 if t == "ohlora.conversation" or t.startswith("ohlora.conversation."))
    assert bad == []


def test_only_the_command_line_imports_command_modules():
    graph = _graph()

    def is_cli(module: str) -> bool:
        return module == "ohlora.cli" or module.endswith(".commands")

    bad = sorted(f"{m} -> {t}" for m, ts in graph.items() if not is_cli(m) for t in ts if t.endswith(".commands"))
    assert bad == []


def test_no_import_cycles_between_files():
    assert _cycles(_graph()) == []


def test_the_checks_see_what_they_look_for():
    graph = _graph()
    assert "ohlora.mind.base" in graph["ohlora.mind.completion"]  # `from ohlora.mind.base import ...`
    assert "ohlora.models.commands" in graph["ohlora.cli"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
