"""Import a CTDL pathway graph (Credential Engine Registry JSON-LD) as a :class:`Pathway`.

The graph is read as the registry publishes it: an ``@graph`` of nodes whose properties carry
the ``ceterms:`` (or, for hasChild/hasPart and a few others, ``ceasn:``) prefix, with language
maps for text and conditions either embedded or referenced by ``@id``. The mapping:

* ``ceterms:hasDestinationComponent`` becomes the goal; its ``proxyFor`` becomes ``completed_by``.
* A ``ceterms:ComponentCondition`` needing ``requiredNumber`` r of its k parts (target
  components plus sub-conditions) becomes ``all`` (r = k), ``any`` (r = 1) or ``at-least`` r.
* A component with ``proxyFor`` becomes a leaf matching the proxy URI as achievement id or
  alignment URL, the proxy's CTID as an alignment code, or the component's name;
  ``creditValue`` becomes ``credits``; ``componentDesignation`` becomes a ``note``.
* Job, WorkExperience, Basic, Cocurricular and Extracurricular components become manual steps.
* ``precedes`` / ``precededBy`` / ``prerequisite`` become the advisory ``after`` order.

Everything that could not be converted is returned as a list of sentences, never dropped
silently. The JSON is parsed here (no JSON-LD processing, no network).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.pathways.model import Pathway
from credwallet.pathways.toml_io import MAX_NODES, pathway_from_dict

__all__ = ["MAX_CTDL_BYTES", "import_ctdl"]

MAX_CTDL_BYTES = 8 * 1024 * 1024
MAX_CTDL_NESTING = 64  # components and conditions inside one another (each level recurses)

_PREFIXES = ("ceterms:", "ceasn:")
_MANUAL_TYPES = {
    "JobComponent",
    "WorkExperienceComponent",
    "BasicComponent",
    "CocurricularComponent",
    "ExtracurricularComponent",
}
_MATCHABLE_TYPES = {
    "CredentialComponent",
    "CourseComponent",
    "AssessmentComponent",
    "CompetencyComponent",
}
_COLLECTION_TYPES = {"CollectionComponent", "MultiComponent", "SelectionComponent"}
# Properties read by the conversion, or descriptive ones a wallet has no use for.
_HANDLED = {
    "@id",
    "@type",
    "@context",
    "ctid",
    "name",
    "description",
    "subjectWebpage",
    "proxyFor",
    "creditValue",
    "componentDesignation",
    "hasCondition",
    "hasChild",
    "hasPart",
    "isChildOf",
    "isPartOf",
    "isDestinationComponentOf",
    "hasDestinationComponent",
    "precedes",
    "precededBy",
    "prerequisite",
    "sourceData",
    "identifier",
    "codedNotation",
    "alternateName",
    "componentCategory",
    "credentialType",
    "offeredBy",
    "ownedBy",
    "inLanguage",
    "dateCreated",
    "dateModified",
    "lastUpdated",
    "keyword",
    "subject",
    "requiredNumber",
    "targetComponent",
    "logicalOperator",
    "hasConstraint",
    "requiredConstraints",
}
_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def import_ctdl(data: bytes, *, lang: str = "en") -> tuple[Pathway, list[str]]:
    """Convert a CTDL pathway graph; returns the pathway and what could not be converted."""
    if len(data) > MAX_CTDL_BYTES:
        raise LimitExceeded(f"a CTDL graph is limited to {MAX_CTDL_BYTES} bytes")
    from credwallet.formats.jsonutil import loads_strict

    # The strict reader: bounded depth, no NaN, no duplicate keys, no 5,000-digit numbers.
    try:
        doc = loads_strict(data, max_bytes=MAX_CTDL_BYTES)
    except LimitExceeded as exc:
        raise LimitExceeded(f"the CTDL graph: {exc.message}") from None
    except BadInput as exc:
        raise BadInput(f"not a CTDL JSON-LD graph: {exc.message}") from None
    converter = _Converter(doc, lang)
    toml_doc = converter.convert()
    pathway = pathway_from_dict(toml_doc, source="CTDL graph")
    return pathway, converter.report


def _strip(prop: str) -> str:
    for prefix in _PREFIXES:
        if prop.startswith(prefix):
            return prop[len(prefix) :]
    return prop


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ctid_of(uri: str) -> str | None:
    tail = uri.rstrip("/").rsplit("/", 1)[-1]
    return tail if tail.startswith("ce-") else None


class _Converter:
    def __init__(self, doc: object, lang: str) -> None:
        self.lang = lang.casefold()
        self.report: list[str] = []
        self.nodes: dict[str, dict[str, Any]] = {}
        if isinstance(doc, dict) and "@graph" in doc:
            roots = _as_list(doc["@graph"])
        elif isinstance(doc, list):
            roots = doc
        elif isinstance(doc, dict):
            roots = [doc]
        else:
            raise BadInput("not a CTDL JSON-LD graph: expected an object with @graph")
        for root in roots:
            self._index(root, 0)
        self.roots = [r for r in roots if isinstance(r, dict)]
        self.components: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}  # CTDL @id -> component key
        self.on_path: set[str] = set()
        self.ctdl_of: dict[str, dict[str, Any]] = {}  # component key -> its CTDL node
        self.condition_keys: dict[str, str] = {}  # condition @id -> group key
        self.units: list[str] = []
        self.nesting = 0  # components and conditions being converted, one inside the other

    def enter(self, what: str) -> None:
        """One level deeper; a chain of conditions thousands deep is refused, not recursed."""
        self.nesting += 1
        if self.nesting > MAX_CTDL_NESTING:
            raise LimitExceeded(
                f"the CTDL graph's conditions nest more than {MAX_CTDL_NESTING} levels (at {what})"
            )
        if len(self.components) > MAX_NODES:
            raise LimitExceeded(f"the CTDL graph has more than {MAX_NODES} components")

    # -- reading the graph ---------------------------------------------------------------
    def _index(self, value: object, depth: int) -> None:
        if depth > 64:
            raise LimitExceeded("the CTDL graph is nested too deeply")
        if isinstance(value, dict):
            node_id = value.get("@id")
            if isinstance(node_id, str) and len(value) > 1 and node_id not in self.nodes:
                self.nodes[node_id] = value
            for item in value.values():
                self._index(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                self._index(item, depth + 1)

    @staticmethod
    def get(node: Mapping[str, Any], prop: str) -> Any:
        for prefix in _PREFIXES:
            if prefix + prop in node:
                return node[prefix + prop]
        return None

    def resolve(self, ref: object) -> dict[str, Any] | None:
        if isinstance(ref, dict):
            ref_id = ref.get("@id")
            if len(ref) == 1 and isinstance(ref_id, str):
                return self.nodes.get(ref_id)
            return ref
        if isinstance(ref, str):
            return self.nodes.get(ref)
        return None

    def text(self, value: object) -> str | None:
        """A plain string from a string, a language map, a value object or a list of them."""
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, list):
            for item in value:
                found = self.text(item)
                if found:
                    return found
            return None
        if isinstance(value, dict):
            if "@value" in value:
                return self.text(value["@value"])
            langs = {str(k).lstrip("@").casefold(): v for k, v in value.items()}
            for wanted in (self.lang, self.lang.split("-")[0]):
                if wanted in langs:
                    return self.text(langs[wanted])
            for key, item in langs.items():
                if key.split("-")[0] == self.lang.split("-")[0]:
                    return self.text(item)
            for item in langs.values():
                found = self.text(item)
                if found:
                    return found
        return None

    @staticmethod
    def type_of(node: Mapping[str, Any]) -> str:
        types = [_strip(str(t)) for t in _as_list(node.get("@type"))]
        return types[0] if types else ""

    def label(self, node: Mapping[str, Any]) -> str:
        ctid = self.get(node, "ctid")
        return (
            self.text(self.get(node, "name"))
            or (ctid if isinstance(ctid, str) else None)  # a graph may hold any JSON value here
            or str(node.get("@id", "(unnamed)"))
        )

    def unconverted_props(self, node: Mapping[str, Any], what: str) -> None:
        for prop in node:
            if _strip(prop) not in _HANDLED:
                self.report.append(f"{what}: {prop} not converted")

    # -- keys ----------------------------------------------------------------------------
    def new_key(self, preferred: str | None, fallback: str) -> str:
        base = _SLUG_RE.sub("-", preferred or "").strip("-._")[:100].lower() or fallback
        if not _KEY_RE.match(base) or base == "goal":
            base = fallback
        key, n = base, 2
        while key in self.components:
            key, n = f"{base}-{n}", n + 1
        return key

    # -- conversion ----------------------------------------------------------------------
    def convert(self) -> dict[str, Any]:
        pathways = [r for r in self.nodes.values() if self.type_of(r) == "Pathway"]
        if not pathways:
            raise BadInput("not a CTDL pathway graph: no node of type ceterms:Pathway")
        pathway = pathways[0]
        if len(pathways) > 1:
            self.report.append(
                f"the graph holds {len(pathways)} pathways: only {self.label(pathway)!r} imported"
            )
        ctid = self.get(pathway, "ctid")
        pathway_id = str(pathway.get("@id", ""))
        if not isinstance(ctid, str) or not _KEY_RE.match(ctid):
            ctid = _ctid_of(pathway_id) or self.new_key(self.label(pathway), "ctdl-pathway")
            self.report.append(f"Pathway: no usable ceterms:ctid; id {ctid!r} used instead")
        self.unconverted_props(pathway, f"Pathway {self.label(pathway)!r}")

        destinations = [
            self.resolve(d) for d in _as_list(self.get(pathway, "hasDestinationComponent"))
        ]
        dests = [d for d in destinations if d is not None]
        if not dests:
            dests = [
                n
                for n in self.nodes.values()
                if pathway_id and pathway_id in _as_list(self.get(n, "isDestinationComponentOf"))
            ]
        if not dests:
            raise BadInput("the CTDL pathway has no destination component to use as its goal")
        if len(dests) > 1:
            self.report.append(
                f"{len(dests)} destination components: only {self.label(dests[0])!r} used as goal"
            )
        dest = dests[0]
        dest_id = str(dest.get("@id", ""))
        self.keys[dest_id] = "goal"
        self.on_path.add(dest_id)
        goal = self.component_entry(dest, "goal", destination=True)
        if goal is None or not ({"require", "match", "manual"} & goal.keys()):
            parts = [
                k
                for ref in _as_list(self.get(pathway, "hasPart"))
                + _as_list(self.get(pathway, "hasChild"))
                if (node := self.resolve(ref)) is not None
                and str(node.get("@id")) != dest_id
                and (k := self.component(node)) is not None
            ]
            if not parts:
                raise BadInput("the CTDL pathway's destination has no conditions and no parts")
            goal = {**(goal or {}), "require": "all", "of": list(dict.fromkeys(parts))}
            self.report.append(
                "the destination component has no conditions: the goal assumes all of the "
                "pathway's parts"
            )
        self.order()
        self.unreached(pathway, dest_id)

        out: dict[str, Any] = {"id": ctid, "name": self.label(pathway)}
        description = self.text(self.get(pathway, "description"))
        if description:
            out["description"] = description
        webpage = self.get(pathway, "subjectWebpage")
        if isinstance(webpage, str) and webpage:
            out["url"] = webpage
        if self.units:
            out["unit"] = self.units[0]
            if len(set(self.units)) > 1:
                self.report.append(
                    f"credit units differ ({', '.join(sorted(set(self.units)))}): "
                    f"labelled {self.units[0]!r}, never converted"
                )
        source = {"kind": "ctdl", "ctid": ctid}
        if pathway_id:
            source["url"] = pathway_id
        out["source"] = source
        out["goal"] = goal
        out["components"] = self.components
        return out

    def component(self, node: dict[str, Any]) -> str | None:
        """The key of a converted component (converting it on first sight)."""
        node_id = str(node.get("@id", id(node)))
        if node_id in self.keys:
            if self.keys[node_id] == "goal":
                self.report.append(
                    f"a condition refers back to the destination {self.label(node)!r}: ignored"
                )
                return None
            return self.keys[node_id]
        if node_id in self.on_path:
            self.report.append(
                f"a cycle of conditions passes through {self.label(node)!r}: ignored"
            )
            return None
        ctid = self.get(node, "ctid")
        key = self.new_key(ctid if isinstance(ctid, str) else self.label(node), "component")
        self.components[key] = {}  # reserve the key while the parts are converted
        self.on_path.add(node_id)
        self.enter(f"component {self.label(node)!r}")
        try:
            entry = self.component_entry(node, key, destination=False)
        finally:
            self.on_path.discard(node_id)
            self.nesting -= 1
        if entry is None:
            del self.components[key]
            return None
        self.components[key] = entry
        self.keys[node_id] = key
        self.ctdl_of[key] = node
        return key

    def component_entry(
        self, node: dict[str, Any], key: str, *, destination: bool
    ) -> dict[str, Any] | None:
        kind = self.type_of(node)
        name = self.label(node)
        what = f"component {name!r}"
        self.unconverted_props(node, what)
        entry: dict[str, Any] = {"name": name}
        notes = [
            text
            for item in _as_list(self.get(node, "componentDesignation"))
            if (text := self.designation(item))
        ]
        if notes:
            entry["note"] = ", ".join(notes)
        self.credit_value(node, entry, what)
        proxy = self.get(node, "proxyFor")
        proxy = proxy if isinstance(proxy, str) and proxy else None
        conditions = [self.resolve(c) for c in _as_list(self.get(node, "hasCondition"))]
        if any(c is None for c in conditions):
            self.report.append(f"{what}: a condition referenced by @id is not in the graph")
        found = [c for c in conditions if c is not None]

        if kind in _MANUAL_TYPES:
            entry["manual"] = True
            if found:
                self.report.append(f"{what}: conditions on a {kind} not converted (a manual step)")
            return entry
        if destination and proxy:
            entry["completed_by"] = self.proxy_match(proxy, name)
        if found:
            groups = [
                k for i, c in enumerate(found) if (k := self.condition(c, key, i, what)) is not None
            ]
            if not groups:
                self.report.append(f"{what}: no condition could be converted")
            elif len(groups) == 1:
                entry.update(self.components.pop(groups[0]))
                for cond_id, group_key in list(self.condition_keys.items()):
                    if group_key == groups[0]:  # the condition now lives in the component
                        self.condition_keys[cond_id] = key
                entry["name"] = name
            else:
                self.report.append(
                    f"{what}: {len(groups)} conditions; imported as all of them (CTDL does not "
                    "say how several combine)"
                )
                entry.update({"require": "all", "of": groups})
            if not destination and proxy and "require" in entry:
                entry["completed_by"] = self.proxy_match(proxy, name)
            if "require" in entry:
                return entry
        if destination:
            return entry  # the caller falls back to the pathway's parts
        if proxy:
            entry["match"] = self.proxy_match(proxy, name)
            return entry
        children = [self.resolve(c) for c in _as_list(self.get(node, "hasChild"))]
        child_keys = [k for c in children if c is not None and (k := self.component(c))]
        if child_keys:
            self.report.append(f"{what}: children without conditions; assumed all are required")
            entry.update({"require": "all", "of": list(dict.fromkeys(child_keys))})
            return entry
        if kind in _MATCHABLE_TYPES or kind in _COLLECTION_TYPES:
            self.report.append(f"{what}: no ceterms:proxyFor; matched by its name only")
            entry["match"] = {"name": name}
            return entry
        self.report.append(f"{what}: type {kind or '(none)'} cannot be converted")
        return None

    def proxy_match(self, proxy: str, name: str) -> list[dict[str, str]]:
        tables = [{"achievement": proxy}, {"alignment": proxy}]
        ctid = _ctid_of(proxy)
        if ctid:
            tables.append({"alignment": ctid})
        tables.append({"name": name})
        return tables

    def designation(self, item: object) -> str | None:
        if isinstance(item, dict):
            found = self.text(item.get("ceterms:targetNodeName")) or self.text(
                item.get("ceterms:targetNode")
            )
        else:
            found = self.text(item)
        if not found:
            return None
        return found.rsplit(":", 1)[-1].rsplit("/", 1)[-1]

    def credit_value(self, node: Mapping[str, Any], entry: dict[str, Any], what: str) -> None:
        values = _as_list(self.get(node, "creditValue"))
        if not values:
            return
        first = values[0]
        if len(values) > 1:
            self.report.append(f"{what}: {len(values)} credit values; only the first kept")
        if not isinstance(first, dict):
            number = first
            unit = None
        else:
            number = next(
                (
                    first[k]
                    for k in (
                        "schema:value",
                        "ceterms:value",
                        "schema:minValue",
                        "ceterms:minValue",
                    )
                    if k in first
                ),
                None,
            )
            units = _as_list(first.get("ceterms:creditUnitType"))
            unit = None
            if units and isinstance(units[0], dict):
                unit = self.text(units[0].get("ceterms:targetNodeName")) or self.text(
                    units[0].get("ceterms:targetNode")
                )
                if unit and ":" in unit and " " not in unit:
                    unit = unit.rsplit(":", 1)[-1]
            unit = unit or self.text(first.get("ceterms:creditUnitTypeDescription"))
        if isinstance(number, str):
            try:
                number = float(number)
            except ValueError:
                number = None
        if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
            self.report.append(f"{what}: a credit value that is not a number not converted")
            return
        entry["credits"] = number
        if unit:
            self.units.append(unit)

    def condition(self, cond: dict[str, Any], owner: str, index: int, what: str) -> str | None:
        label = self.text(self.get(cond, "name")) or self.text(self.get(cond, "description"))
        where = f"{what}, condition {label or index + 1!r}"
        self.unconverted_props(cond, where)
        cond_id = str(cond.get("@id", id(cond)))
        if cond_id in self.on_path:
            self.report.append(f"{where}: refers back to itself; ignored")
            return None
        targets = _as_list(self.get(cond, "targetComponent"))
        subs = _as_list(self.get(cond, "hasCondition"))
        if len(targets) + len(subs) > MAX_NODES:
            # Refused whole: dropping all but some of the parts would change what it requires.
            raise LimitExceeded(
                f"{where}: {len(targets) + len(subs)} parts; a pathway holds at most "
                f"{MAX_NODES} components"
            )
        self.on_path.add(cond_id)
        self.enter(where)
        try:
            parts: list[str] = []
            for ref in targets:
                target = self.resolve(ref)
                if target is None:
                    self.report.append(f"{where}: target {ref!r} is not in the graph")
                    continue
                key = self.component(target)
                if key is not None:
                    parts.append(key)
            for i, ref in enumerate(subs):
                sub = self.resolve(ref)
                if sub is None:
                    self.report.append(f"{where}: sub-condition {ref!r} is not in the graph")
                    continue
                key = self.condition(sub, f"{owner}-{index + 1}", i, where)
                if key is not None:
                    parts.append(key)
        finally:
            self.on_path.discard(cond_id)
            self.nesting -= 1
        parts = list(dict.fromkeys(parts))
        for constraint in _as_list(self.get(cond, "hasConstraint")):
            described = (
                self.text(self.get(constraint, "name")) if isinstance(constraint, dict) else None
            )
            self.report.append(
                f"{where}: constraint {described or '(unnamed)'!r} not converted "
                "(its parts are still required)"
            )
        if not parts:
            self.report.append(f"{where}: nothing in it could be converted; dropped")
            return None
        k = len(parts)
        raw = self.get(cond, "requiredNumber")
        required: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            required = raw
        elif isinstance(raw, str) and raw.strip().isdigit():
            required = int(raw)
        if required is None:
            self.report.append(f"{where}: no ceterms:requiredNumber; all {k} parts assumed")
            required = k
        elif required > k:
            self.report.append(f"{where}: requires {required} of {k} parts; all {k} required")
            required = k
        elif required < 1:
            self.report.append(f"{where}: requires {required} parts; all {k} assumed")
            required = k
        group: dict[str, Any] = {"name": label or "Condition"}
        if required == k:
            group.update({"require": "all", "of": parts})
        elif required == 1:
            group.update({"require": "any", "of": parts})
        else:
            group.update({"require": "at-least", "count": required, "of": parts})
        operator = (self.text(self.get(cond, "logicalOperator")) or "").casefold()
        if (operator.endswith("or") and required == k and k > 1) or (
            operator.endswith("and") and required < k
        ):
            self.report.append(
                f"{where}: logicalOperator {operator!r} disagrees with requiredNumber "
                f"{required} of {k}; requiredNumber used"
            )
        key = self.new_key(f"{owner}-{label}" if label else None, f"{owner}-condition-{index + 1}")
        self.components[key] = group
        if "@id" in cond:
            self.condition_keys[cond_id] = key
        return key

    def order(self) -> None:
        """precedes / precededBy / prerequisite -> the advisory `after` lists."""
        prerequisite_seen = False
        for key, node in list(self.ctdl_of.items()):
            for ref in _as_list(self.get(node, "precedes")):
                for later in self.refs_to_keys(ref):
                    self.add_after(later, key)
            for ref in _as_list(self.get(node, "precededBy")):
                for first in self.refs_to_keys(ref):
                    self.add_after(key, first)
            for ref in _as_list(self.get(node, "prerequisite")):
                prerequisite_seen = True
                for first in self.refs_to_keys(ref):
                    self.add_after(key, first)
        if prerequisite_seen:
            self.report.append(
                "ceterms:prerequisite imported as advisory order (after); it is not enforced"
            )

    def refs_to_keys(self, ref: object) -> Iterable[str]:
        node = self.resolve(ref)
        if node is None:
            return []
        if self.type_of(node) == "ComponentCondition":
            group = self.condition_keys.get(str(node.get("@id")))
            if group is not None and group in self.components:
                return [group]
            return [
                k
                for target in _as_list(self.get(node, "targetComponent"))
                if (t := self.resolve(target)) is not None
                and (k := self.keys.get(str(t.get("@id")))) not in (None, "goal")
            ]
        found = self.keys.get(str(node.get("@id")))
        return [found] if found and found != "goal" else []

    def add_after(self, key: str, first: str) -> None:
        if key == first or key not in self.components:
            return
        after = self.components[key].setdefault("after", [])
        if first not in after:
            after.append(first)

    def unreached(self, pathway: Mapping[str, Any], dest_id: str) -> None:
        for ref in _as_list(self.get(pathway, "hasPart")):
            node = self.resolve(ref)
            if node is None:
                self.report.append(f"Pathway: part {ref!r} is not in the graph")
                continue
            node_id = str(node.get("@id"))
            if node_id != dest_id and node_id not in self.keys:
                self.report.append(
                    f"component {self.label(node)!r} is in the pathway but in no condition "
                    "of the goal: not converted"
                )
