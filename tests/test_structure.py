"""The shape of the code: imports between the modules of `kg/` and `api/` go one way.

The import graph is read from the source with `ast` (nothing is imported), counting imports at module level and
inside functions alike: a function-level import still makes one module depend on the other. Checked: no cycle
among the modules of both packages; `kg` never imports `api`; no router imports another router (what two
routers share lives in a non-router module of `api/`); the service layer (`kg`, `api/pagedata/`) imports no web
framework, so that a data helper cannot take a request or raise an HTTP exception. And namespaces live in one
place: no module of `kg/`, `api/` or `bench/` but `kg/vocab.py` spells the project's base IRI in its code.
"""

import ast
from pathlib import Path

import networkx as nx

from kg.vocab import BASE

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "api")
ROUTERS = "api.routers"
SERVICE_LAYER = ("kg", "api.pagedata")  # data access: no requests, no responses, no HTTP exceptions
HTTP_LIBRARIES = ("fastapi", "starlette")
VOCABULARY = ROOT / "kg" / "vocab.py"
CODE_FOLDERS = ("kg", "api", "bench")  # where IRIs are built; tests may spell out the IRIs they expect


def module_name(path: Path) -> str:
    """`api/routers/browser.py` → `api.routers.browser`; a package's `__init__.py` → the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every Python module of the packages, by dotted name (authored data under `kg/data/` holds none)."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def imported_names(module: str, path: Path) -> set[str]:
    """The dotted names a module imports, anywhere in it: `import a.b`, `from a.b import c` (both `a.b` and
    `a.b.c`, since `c` may be a module), and relative imports resolved against the module's package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def import_graph() -> nx.DiGraph:
    """Modules of `kg/` and `api/` as nodes; an edge from each module to each project module it imports."""
    modules = project_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        for name in imported_names(module, path):
            target = _project_module(name, modules)
            if target is not None and target != module:
                graph.add_edge(module, target)
    return graph


def _project_module(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name is or lives in (`kg.vocab.KG` → `kg.vocab`); None outside the project."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def test_the_import_graph_is_read_from_every_module() -> None:
    graph = import_graph()
    assert {"kg.store", "kg.analytics", "api.main", "api.routers.sparql"} <= set(graph)
    assert graph.has_edge("api.main", "api.routers.sparql")
    assert graph.has_edge("api.routers.analytics", "kg.analytics")


def test_relative_and_function_level_imports_count(tmp_path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from . import a\n")
    module = package / "a.py"
    module.write_text("def f():\n    from .b import g\n    import pkg.c\n    return g\n")
    assert imported_names("pkg.a", module) == {"pkg.b", "pkg.b.g", "pkg.c"}
    assert imported_names("pkg", package / "__init__.py") == {"pkg", "pkg.a"}


def test_no_import_cycle_among_kg_and_api_modules() -> None:
    graph = import_graph()
    tangles = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    described = [
        "  " + ", ".join(f"{u} → {v}" for u, v in sorted(graph.subgraph(tangle).edges)) for tangle in tangles
    ]
    assert not tangles, "modules that import each other, directly or through others:\n" + "\n".join(described)


def test_kg_never_imports_api() -> None:
    graph = import_graph()
    upward = sorted(f"{u} → {v}" for u, v in graph.edges if u.startswith("kg") and v.startswith("api"))
    assert not upward, "kg must not import api:\n" + "\n".join(upward)


def test_no_router_imports_another_router() -> None:
    graph = import_graph()
    between = sorted(
        f"{u} → {v}" for u, v in graph.edges if u.startswith(ROUTERS + ".") and v.startswith(ROUTERS + ".")
    )
    assert not between, (
        "routers share code through non-router modules of api/, not each other:\n" + "\n".join(between)
    )


def test_the_service_layer_speaks_no_http() -> None:
    speaking = sorted(
        f"{module} imports {name}"
        for module, path in project_modules().items()
        if any(module == layer or module.startswith(layer + ".") for layer in SERVICE_LAYER)
        for name in imported_names(module, path)
        if name.split(".")[0] in HTTP_LIBRARIES
    )
    assert not speaking, "data access raises domain errors (kg.errors), never HTTP ones:\n" + "\n".join(
        speaking
    )


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (of the module, classes and functions)."""
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }


def base_iri_spellings(path: Path) -> list[int]:
    """Lines where a string constant of the code (docstrings and comments aside) holds the base IRI."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    documentation = docstrings(tree)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and BASE in node.value
        and id(node) not in documentation
    )


def test_a_string_in_code_holding_the_base_iri_is_found_and_a_docstring_is_not(tmp_path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        f'"""Module doc: {BASE}id/x."""\n'
        f"# comment: {BASE}\n"
        "def f(slug):\n"
        f'    """>>> f("a")  # {BASE}id/a"""\n'
        f'    return f"{BASE}id/{{slug}}"\n'
        f'GRAPH = "{BASE}graph/"\n'
    )
    assert base_iri_spellings(module) == [5, 6]


def test_namespaces_and_graph_iris_are_spelled_only_in_kg_vocab() -> None:
    spelled = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in CODE_FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != VOCABULARY and "__pycache__" not in path.parts
        for line in base_iri_spellings(path)
    ]
    assert not spelled, (
        f"build IRIs from the names of kg/vocab.py (RES, GRAPH, LINKS_GRAPH …, sparql_prefixes), not {BASE}:\n"
        + "\n".join(spelled)
    )
