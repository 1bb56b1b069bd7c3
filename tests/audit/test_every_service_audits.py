"""Every service that acts for a user writes its audit event (found by reading the code).

A service here is a public function of records, imaging or audit that takes an `actor`
and runs in a transaction (decorated with transaction.atomic, or opening one through the
functions it calls). It must reach audit.services.record_event, directly or through
functions of the scanned apps it calls. Reading the source rather than calling each
service keeps this test right while services are added in parallel.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = (
    "vault",
    "audit",
    "accounts",
    "records",
    "imaging",
    "hardcopy",
    "legal",
    "retention",
)


@dataclass
class Module:
    name: str
    path: Path
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)


def _parse(name: str, path: Path) -> Module:
    module = Module(name, path)
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef):
            module.functions[node.name] = node
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                module.imports[local] = (node.module, alias.name)
                module.modules[local] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.modules[alias.asname or alias.name] = alias.name
    return module


def scanned_modules(root: Path = REPO) -> dict[str, Module]:
    found = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name] = _parse(name, path)
    return found


def _mentions_atomic(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute | ast.Name)
        and (getattr(n, "attr", None) or getattr(n, "id", None)) == "atomic"
        for n in ast.walk(node)
    )


def _callees(
    modules: dict[str, Module], module: Module, fn: ast.FunctionDef
) -> set[tuple[str, str]]:
    found = set()
    for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
        target = call.func
        if isinstance(target, ast.Name) and target.id in module.functions:
            found.add((module.name, target.id))
        elif isinstance(target, ast.Name) and target.id in module.imports:
            found.add(module.imports[target.id])
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            found.add((module.modules.get(target.value.id, ""), target.attr))
    return {(m, f) for m, f in found if m in modules and f in modules[m].functions}


def _closure(
    modules: dict[str, Module], start: tuple[str, str]
) -> set[tuple[str, str]]:
    seen, todo = {start}, [start]
    while todo:
        module_name, fn_name = todo.pop()
        module = modules[module_name]
        for callee in _callees(modules, module, module.functions[fn_name]) - seen:
            seen.add(callee)
            todo.append(callee)
    return seen


def _takes_actor(fn: ast.FunctionDef) -> bool:
    args = fn.args
    return any(a.arg == "actor" for a in [*args.args, *args.kwonlyargs])


def unaudited_services(modules: dict[str, Module]) -> list[str]:
    """Services (as defined above) from which no path reaches record_event."""
    offenders = []
    for module in modules.values():
        for name, fn in module.functions.items():
            if name.startswith("_") or name == "record_event" or not _takes_actor(fn):
                continue
            reach = [
                modules[m].functions[f]
                for m, f in _closure(modules, (module.name, name))
            ]
            in_transaction = any(_mentions_atomic(d) for d in fn.decorator_list) or any(
                _mentions_atomic(body) for body in reach
            )
            audited = any(
                (getattr(n, "id", None) or getattr(n, "attr", None)) == "record_event"
                for body in reach
                for n in ast.walk(body)
            )
            if in_transaction and not audited:
                offenders.append(f"{module.name}.{name}()")
    return sorted(offenders)


def test_every_service_that_acts_for_a_user_records_an_audit_event() -> None:
    modules = scanned_modules()
    assert unaudited_services(modules) == [], (
        "These services write no audit event: call audit.services.record_event in "
        "their transaction."
    )


def test_the_known_services_are_among_those_checked() -> None:
    modules = scanned_modules()
    services = {
        name
        for module in modules.values()
        for name, fn in module.functions.items()
        if _takes_actor(fn) and not name.startswith("_")
    }
    assert {"capture_image", "download_original", "place_legal_hold"} <= services


def test_a_service_that_forgets_its_audit_event_is_named(tmp_path: Path) -> None:
    source = """
from django.db import transaction
from audit.services import record_event

@transaction.atomic
def forget_to_audit(*, actor, image):
    image.save()

@transaction.atomic
def audit_through_a_helper(*, actor, image):
    _note(actor, image)

def _note(actor, image):
    record_event(actor=actor, action="view", target=image)

def open_a_transaction_inside(*, actor, image):
    _write(image)

def _write(image):
    with transaction.atomic():
        image.save()
"""
    path = tmp_path / "services.py"
    path.write_text(source)
    module = _parse("records.services", path)
    offenders = unaudited_services({"records.services": module})
    assert offenders == [
        "records.services.forget_to_audit()",
        "records.services.open_a_transaction_inside()",
    ]
