"""Fail when app/'s modules import one another in a cycle (run by `make lint`).

    .venv/bin/python scripts/import_cycles.py

Every import counts, also one inside a function: a cycle through a function-level import
still ties the two modules together. Each group of modules that reach one another is
printed with the imports that close it; the exit status is 1 when there is any.
"""

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def cyclic_groups(graph):
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                child = edges[node][j]
                if child not in index:
                    work.append((node, j + 1))
                    work.append((child, 0))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return groups


def main():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("app", cache_dir=None)
    groups = cyclic_groups(graph)
    for group in groups:
        members = set(group)
        print(f"import cycle among {len(group)} modules:")
        for importer in group:
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported in members:
                    for detail in graph.get_import_details(importer=importer, imported=imported):
                        print(f"  {importer} -> {imported}  (line {detail['line_number']}: {detail['line_contents']})")
    print(f"{len(groups)} import cycle(s) in app/")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
