"""An import-linter contract for the apps' public surface (``make check`` runs it).

``public_surface``: a module of one app may import another app only through the modules that
app publishes (``api``, ``data``, ``signals``). It is an allow-list: a module an app adds is
private until it is one of those, whatever its name. Which app may use which is the layers
contract's business; this one says *how*.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class PublicSurfaceContract(Contract):
    """Options: ``importers`` (packages whose imports are checked), ``apps`` (the apps whose
    insides are private), ``public`` (the module names an app publishes)."""

    type_name = "public_surface"

    importers = fields.ListField(subfield=fields.StringField())
    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        apps: list[str] = list(self.apps)  # type: ignore[call-overload]
        public = set(self.public)  # type: ignore[call-overload]
        violations = []
        for package in self.importers:  # type: ignore[attr-defined]
            for importer in sorted({package} | graph.find_descendants(package)):
                own_app = _app_of(importer, apps)
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    app = _app_of(imported, apps)
                    if app is None or app == own_app:
                        continue
                    first = imported[len(app) + 1 :].split(".")[0]
                    if first in public:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    line_numbers: list[int | str] = [detail["line_number"] for detail in details] or ["?"]
                    for line_number in line_numbers:
                        violations.append({"importer": importer, "imported": imported, "line_number": line_number})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                f"{violation['importer']} -> {violation['imported']} (l.{violation['line_number']}): "
                f"use the app's {', '.join(sorted(self.public))} instead",  # type: ignore[call-overload]
                bold=False,
            )
            output.new_line()


def _app_of(module: str, apps: list[str]) -> str | None:
    for app in apps:
        if module == app or module.startswith(app + "."):
            return app
    return None
