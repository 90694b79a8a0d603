"""A contract type for import-linter (``make lint``): domain apps read one another only
through a few named modules.

The built-in ``forbidden`` contract can say "evaluations must not import funding" but not
"evaluations may import funding.selectors and nothing else of funding". This one can: for
every pair of the ``apps`` listed, a direct import from one app into another must land in
one of the ``through`` modules of the imported app (``selectors``: reads) or in one of the
``also`` modules named in full (``rectification.services``: the one app whose services the
others call, to open an order).
"""

from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output


class ThroughContract(Contract):
    apps = fields.ListField(subfield=fields.StringField())
    through = fields.ListField(subfield=fields.StringField())
    also = fields.ListField(subfield=fields.StringField(), required=False)
    # Known exceptions, each "importer -> imported" (module names in full): debt to pay off,
    # listed so that nothing new slips in beside them. An exception that no longer occurs
    # breaks the contract too, so the list only shrinks.
    exceptions = fields.ListField(subfield=fields.StringField(), required=False)

    def _allowed(self, module: str) -> bool:
        app = module.split(".")[0]
        allowed = [f"{app}.{name}" for name in self.through] + list(self.also or [])
        return any(module == m or module.startswith(m + ".") for m in allowed)

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = set(self.apps)
        excepted = {tuple(part.strip() for part in e.split("->")) for e in self.exceptions or []}
        used: set[tuple[str, ...]] = set()
        broken = []
        for importer in sorted(graph.modules):
            source = importer.split(".")[0]
            if source not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = imported.split(".")[0]
                if target in apps and target != source and not self._allowed(imported):
                    if (importer, imported) in excepted:
                        used.add((importer, imported))
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = [d["line_number"] for d in details]
                    broken.append((importer, imported, lines))
        for importer, imported in sorted(excepted - used):
            broken.append((importer, imported, ["exception no longer needed: remove it"]))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["broken"]:
            where = ", ".join(n if isinstance(n, str) else f"l.{n}" for n in lines)
            output.print_error(f"{importer} -> {imported} ({where})", bold=False)
        output.new_line()
        allowed = ", ".join(f"<app>.{name}" for name in self.through)
        also = "".join(f" or {name}" for name in self.also or [])
        output.print(f"Read another app only through {allowed}{also}.")
