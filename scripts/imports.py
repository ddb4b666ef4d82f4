"""How the apps depend on each other, measured from the code's own imports (every `import`, lazy ones included;
tests, migrations, bench/ and mutation/ left out).

    python scripts/imports.py                      cross-app import counts and module import loops
    python scripts/imports.py --chain checkout.views the longest chain of imports from that module

Prints: the number of cross-app imports (module -> module pairs whose apps differ), the app -> app pairs with their
counts, the app pairs that import each other both ways, the loops of modules importing each other, and, with
--chain, the longest chain of project modules a request entering at that module can cross by following imports
(a loop of modules counts as all its modules, once)."""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = {"bench", "mutation", "scripts", "node_modules", "static", "templates", "locale", "tests"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in LEFT_OUT or len(parts) == 1:
            continue
        if "tests" in parts or "migrations" in parts or parts[-1] in ("conftest.py",):
            continue
        name = ".".join(parts).removesuffix(".py").removesuffix(".__init__")
        modules[name] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports (the deepest module each import names)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    edges = {name: imports_of(name, path, modules) for name, path in modules.items()}
    # `from pkg import name` adds both pkg.name (a module) and pkg: keep pkg only when no submodule was meant.
    for targets in edges.values():
        for target in list(targets):
            if any(other.startswith(target + ".") for other in targets):
                targets.discard(target)
    return edges


def app(module: str) -> str:
    return module.split(".")[0]


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def longest_chain(edges: dict[str, set[str]], start: str) -> list[str]:
    components = loops(edges)
    owner = {m: i for i, c in enumerate(components) for m in c}
    memo: dict[int, list[int]] = {}

    def best(c: int) -> list[int]:
        if c not in memo:
            nexts = {owner[w] for m in components[c] for w in edges.get(m, ()) if owner[w] != c}
            tails = [best(n) for n in nexts]
            memo[c] = [c] + max(tails, key=lambda t: sum(len(components[i]) for i in t), default=[])
        return memo[c]

    chain = best(owner[start])
    return [" + ".join(components[i]) for i in chain]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chain", help="a module a request enters at, e.g. checkout.views")
    args = parser.parse_args()
    edges = graph()
    cross = [(m, t) for m, targets in edges.items() for t in targets if app(m) != app(t)]
    pairs = defaultdict(int)
    for m, t in cross:
        pairs[(app(m), app(t))] += 1
    print(f"cross-app imports (module -> module): {len(cross)}; app -> app pairs: {len(pairs)}")
    for (a, b), count in sorted(pairs.items()):
        both = "  <-> both ways" if (b, a) in pairs else ""
        print(f"  {a} -> {b}: {count}{both}")
    both_ways = sorted({tuple(sorted(p)) for p in pairs if (p[1], p[0]) in pairs})
    print(f"app pairs importing each other both ways: {len(both_ways)}")
    module_loops = [c for c in loops(edges) if len(c) > 1]
    print(f"loops of modules importing each other: {len(module_loops)}")
    for component in module_loops:
        print(f"  {len(component)} modules: {' '.join(component)}")
    if args.chain:
        chain = longest_chain(edges, args.chain)
        size = sum(part.count(" + ") + 1 for part in chain)
        apps_crossed = len({app(m) for part in chain for m in part.split(" + ")})
        print(f"longest chain of imports from {args.chain}: {size} modules in {apps_crossed} apps")
        for part in chain:
            print(f"  {part}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
