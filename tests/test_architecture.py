"""The shape of the code is a contract, checked like behaviour (docs/architecture.md):
layers only import downwards, no module reaches into another's private names, and no template
names a URL of an app above its own."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["poe_ops", "cases", "arrivals", "staffing", "reports"]  # lowest first
URL_NAMESPACES = {
    "arrivals": "arrivals",
    "cases": "cases",
    "staffing": "staffing",
    "reports": "reports",
}


def app_modules() -> list[Path]:
    return [
        path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_imports(path: Path) -> list[str]:
    """``from project.module import _name`` in ``path`` (a module's own names excepted)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] not in LAYERS or node.module == module_name(path):
                continue
            found += [
                f"{module_name(path)}: from {node.module} import {alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


def test_no_module_imports_another_modules_private_names():
    offenders = [line for path in app_modules() for line in private_imports(path)]
    assert offenders == []


def test_the_private_import_check_would_see_one():
    sample = ROOT / "cases" / "_architecture_probe.py"
    sample.write_text("from arrivals.services.checkin import _lock_case_of\n")
    try:
        assert private_imports(sample) == [
            "cases._architecture_probe: from arrivals.services.checkin import _lock_case_of"
        ]
    finally:
        sample.unlink()


URL_TAG = re.compile(r"""\{%\s*url\s+['"](\w+):\w+['"]""")


def upward_urls(app: str, template: Path) -> list[str]:
    """The URL namespaces of apps above ``app`` that ``template`` names."""
    below_or_same = set(LAYERS[: LAYERS.index(app) + 1])
    return [
        f"{template.name}: {ns}"
        for ns in URL_TAG.findall(template.read_text())
        if URL_NAMESPACES.get(ns, "poe_ops") not in below_or_same
    ]


def test_no_template_names_a_url_of_a_higher_app():
    offenders = [
        line
        for app in LAYERS
        for template in (ROOT / app / "templates").rglob("*.html")
        for line in upward_urls(app, template)
    ]
    assert offenders == []


URL_NAME = re.compile(r"""(?:reverse|redirect)\(\s*["'](\w+):\w+["']""")


def upward_url_names(app: str, module: Path) -> list[str]:
    """The URL namespaces of apps above ``app`` that ``module`` reverses or redirects to."""
    below_or_same = set(LAYERS[: LAYERS.index(app) + 1])
    return [
        f"{module.name}: {ns}"
        for ns in URL_NAME.findall(module.read_text())
        if URL_NAMESPACES.get(ns, "poe_ops") not in below_or_same
    ]


def test_no_module_reverses_a_url_of_a_higher_app():
    offenders = [
        line
        for app in LAYERS
        for module in (ROOT / app).rglob("*.py")
        for line in upward_url_names(app, module)
    ]
    assert offenders == []


def test_the_url_name_check_would_see_one(tmp_path):
    probe = tmp_path / "home.py"
    probe.write_text('return redirect("arrivals:board")\nreverse("poe_ops_home")\n')
    assert upward_url_names("poe_ops", probe) == ["home.py: arrivals"]
    assert upward_url_names("staffing", probe) == []


def test_the_template_check_would_see_one(tmp_path):
    probe = tmp_path / "case.html"
    probe.write_text(
        "<a href=\"{% url 'reports:incident_new' port.iata %}\">Report</a>"
        "<a href=\"{% url 'cases:book_hotel' case.case_number %}\">Hotel</a>"
    )
    assert upward_urls("cases", probe) == ["case.html: reports"]
    assert upward_urls("reports", probe) == []


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The apps and the import-linter contract, copied, so a test can break them."""
    for app in LAYERS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_layer_contract_holds(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout


def test_an_upward_import_breaks_the_layer_contract(project_copy):
    services = project_copy / "cases" / "services" / "bookings.py"
    # A function-level import counts too.
    services.write_text(
        services.read_text() + "\n\ndef sneak():\n    from arrivals.models import Flight\n"
        "    return Flight\n"
    )
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert "cases is not allowed to import arrivals" in result.stdout
