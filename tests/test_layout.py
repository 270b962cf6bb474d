"""Package layout rules: one-way imports, public surfaces, package data."""

from __future__ import annotations

import ast
from importlib import import_module, resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "vault": ("trailkeep.ingest", "trailkeep.recall", "trailkeep.billing", "trailkeep.ui"),
    "ingest": ("trailkeep.recall", "trailkeep.ui"),
    "recall": ("trailkeep.ingest", "trailkeep.ui"),
    "billing": ("trailkeep.ingest", "trailkeep.recall", "trailkeep.ui"),
}


@pytest.mark.parametrize("pkg", sorted(FORBIDDEN))
def test_imports_flow_one_way(pkg: str) -> None:
    for f in (ROOT / pkg).rglob("*.py"):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for n in names:
                assert not n.startswith(FORBIDDEN[pkg]), f"{f.name} imports {n}"


def test_only_vault_imports_storage_libraries() -> None:
    for pkg in ("ingest", "recall", "billing", "ui"):
        for f in (ROOT / pkg).rglob("*.py"):
            src = f.read_text()
            for lib in ("chromadb", "sqlmodel"):
                assert f"import {lib}" not in src and f"from {lib}" not in src, f.name


@pytest.mark.parametrize("pkg", ["vault", "ingest", "recall", "billing"])
def test_public_surface(pkg: str) -> None:
    mod = import_module(f"trailkeep.{pkg}")
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_package_data_ships() -> None:
    vocab = resources.files("trailkeep.vault") / "data" / "vocab.txt"
    assert len(vocab.read_bytes()) == 231508
    assert list((resources.files("trailkeep.ui") / "schemas").iterdir())


def test_no_environment_reads_in_library_code() -> None:
    for pkg in ("vault", "ingest", "recall", "billing"):
        for f in (ROOT / pkg).rglob("*.py"):
            code = f.read_text().replace("``os.environ``", "")
            assert "os.environ" not in code and "os.getenv" not in code, f.name


def test_help_imports_nothing_heavy() -> None:
    """`trailkeep --help` stays fast: no storage, model or numeric library is imported for it
    (issue 16; the time itself is measured in bench, not asserted here)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from trailkeep.ui.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'search' in r.output and 'bench' in r.output, r.output\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'numpy', 'chromadb', 'onnxruntime',"
        " 'streamlit', 'anthropic', 'yaml') if m in sys.modules]\n"
        "loaded = [m for m in sys.modules if m.startswith('trailkeep.ui.cli.')"
        " and m != 'trailkeep.ui.cli.context']\n"
        "print(','.join(heavy + loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"--help imported {out.stdout.strip()}"


@pytest.mark.parametrize("pkg", ["vault", "ingest", "recall", "billing"])
def test_no_export_shadows_a_submodule(pkg: str) -> None:
    """Exports load on first use: an export named like a submodule would become the module
    once that submodule is imported elsewhere (`from trailkeep.recall import search`)."""
    mod = import_module(f"trailkeep.{pkg}")
    modules = {f.stem for f in (ROOT / pkg).glob("*.py")} - {"__init__"}
    assert not (set(mod.__all__) & modules) - {"registry"}


PRODUCT = ("ingest", "recall", "billing", "ui", "prompts")


@pytest.mark.parametrize("pkg", PRODUCT)
def test_one_sql_gate(pkg: str) -> None:
    """No SQL outside vault/: no SQLAlchemy, no sqlite3 (vault/lite.py reads through it for
    `status`), no engine, no blob store internals (issue 16)."""
    for f in (ROOT / pkg).rglob("*.py"):
        src = f.read_text()
        tree = ast.parse(src)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("sqlalchemy", "sqlmodel")), f.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith(("sqlalchemy", "sqlite3")) for a in node.names), (
                    f.name
                )
            if isinstance(node, ast.Attribute) and node.attr in ("engine", "blobs"):
                base = node.value
                owner = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if owner in ("v", "vault", "_vault"):
                    raise AssertionError(f"{f.relative_to(ROOT)}:{node.lineno} uses .{node.attr}")


@pytest.mark.parametrize("pkg", ["vault", "ingest", "recall", "billing", "ui", "prompts"])
def test_the_product_never_imports_bench(pkg: str) -> None:
    for f in (ROOT / pkg).rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.startswith("trailkeep.bench") for n in names), f.name


def test_ui_imports_only_public_names() -> None:
    """The UI uses what a package or module says it offers (its ``__all__``)."""
    bad = []
    for f in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if not (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.level == 0
                and node.module.startswith("trailkeep.")
                and not node.module.startswith("trailkeep.ui")
            ):
                continue
            mod = import_module(node.module)
            public = getattr(mod, "__all__", None)
            for a in node.names:
                if public is None or a.name not in public:
                    bad.append(f"{f.relative_to(ROOT)}: {node.module}.{a.name}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("pkg", ["vault", "ingest", "recall", "billing"])
def test_each_package_keeps_its_errors_in_errors_py(pkg: str) -> None:
    """Issue 16: a package's public errors live in its errors.py, under one root
    (TrailkeepError); a private helper exception may stay where it is used."""
    strays = []
    for f in (ROOT / pkg).rglob("*.py"):
        if f.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = [
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                ]
                if any(b.endswith(("Error", "Exception", "Failed")) for b in bases):
                    strays.append(f"{f.relative_to(ROOT)}: {node.name}")
    assert not strays, strays
    from trailkeep.vault.errors import TrailkeepError

    errors = import_module(f"trailkeep.{pkg}.errors")
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, TrailkeepError), name
