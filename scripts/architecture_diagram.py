"""Print the package dependency diagram of docs/architecture.md, drawn from the code.

Reads every import of the project's packages with grimp (import-linter's graph library) and
prints a Mermaid graph: an arrow A --> B when some module of A imports some module of B (tests
and migrations left out). `tests/test_architecture.py` checks that the diagram in the document
is the one the code draws.

    .venv/bin/python scripts/architecture_diagram.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PACKAGES = ["core", "kvis", "issues", "surveys", "performance_plans", "meetings", "kvi_portal"]


def _is_shipped(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts


def package_edges() -> list[tuple[str, str]]:
    """(importer, imported) pairs of top-level packages, sorted."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    graph = grimp.build_graph(*PACKAGES)
    edges = set()
    for module in graph.modules:
        if not _is_shipped(module):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if not _is_shipped(imported):
                continue
            source, target = module.split(".")[0], imported.split(".")[0]
            if source != target:
                edges.add((source, target))
    return sorted(edges)


def mermaid() -> str:
    lines = ["```mermaid", "graph TD"]
    lines += [f"    {source} --> {target}" for source, target in package_edges()]
    lines.append("```")
    return "\n".join(lines)


if __name__ == "__main__":
    print(mermaid())
