#!/usr/bin/env python3
"""Fails when modules of backend/app/src/services import each other in a circle.

A module is a file directly under services/ or a directory there (cases/ counts as one
module). A reference is any `crate::services::NAME` or, inside services, `super::NAME` /
`super::super::NAME` naming another module. Prints each circle found and exits 1.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "backend/app/src/services"


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".rs")


def main() -> int:
    modules = {module_of(p) for p in ROOT.rglob("*.rs") if p.name != "mod.rs" or p.parent != ROOT}
    modules.discard("mod")
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for path in ROOT.rglob("*.rs"):
        if path.parent == ROOT and path.name == "mod.rs":
            continue
        src = module_of(path)
        depth = len(path.relative_to(ROOT).parts) - 1
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"crate::services::(\w+)", text))
        # `super::X` from a file directly under services/ names a sibling module; from cases/x.rs
        # `super::super::X` does (and `super::X` stays inside cases/).
        prefix = "super::" * (depth + 1)
        names |= set(re.findall(re.escape(prefix) + r"(\w+)", text))
        for n in names:
            if n in modules and n != src:
                edges[src].add(n)
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(modules):
        if m not in state:
            visit(m)
    for c in cycles:
        print("import circle in services/: " + " -> ".join(c))
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
