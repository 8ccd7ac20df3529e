"""The dependency diagram in docs/architecture.md is the one the code draws."""

import re
from pathlib import Path

from scripts.architecture_diagram import mermaid, package_edges

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def test_the_documented_diagram_matches_the_imports():
    text = DOC.read_text()
    drawn = re.search(r"<!-- diagram:start -->\n(.*?)\n<!-- diagram:end -->", text, re.S)
    assert drawn, "docs/architecture.md lost its diagram markers"
    assert drawn[1] == mermaid(), "Run scripts/architecture_diagram.py and paste its output"


def test_dependencies_run_one_way():
    edges = set(package_edges())
    apps = {"issues", "surveys", "performance_plans", "meetings"}
    assert not {(s, t) for s, t in edges if s == "core"}
    assert not {(s, t) for s, t in edges if s == "kvis" and t in apps}
    assert not {(s, t) for s, t in edges if t == "kvi_portal"}
