"""Stackable pathways: the model, TOML and CTDL input, progress evaluation and suggestions.

Pure functions over plain data: no I/O, no network, nothing of the store. The wallet builds
:class:`HeldCredential` values and calls :func:`evaluate`; the CLI draws :func:`render_pathway`.
"""

from __future__ import annotations

from credwallet.pathways.ctdl import import_ctdl
from credwallet.pathways.evaluate import (
    MAX_SEARCH_STEPS,
    ExpiringCredential,
    NodeProgress,
    PathwayProgress,
    evaluate,
)
from credwallet.pathways.model import HeldCredential, Match, Node, NodeKind, Pathway
from credwallet.pathways.render import RenderedPathway, TreeNode, render_pathway
from credwallet.pathways.suggest import suggest_pathways
from credwallet.pathways.toml_io import dump_pathway_toml, load_pathway_toml

__all__ = [
    "MAX_SEARCH_STEPS",
    "ExpiringCredential",
    "HeldCredential",
    "Match",
    "Node",
    "NodeKind",
    "NodeProgress",
    "Pathway",
    "PathwayProgress",
    "RenderedPathway",
    "TreeNode",
    "dump_pathway_toml",
    "evaluate",
    "import_ctdl",
    "load_pathway_toml",
    "render_pathway",
    "suggest_pathways",
]
