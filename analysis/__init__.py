"""Media-discrepancy analysis: how outlets reported the same event, and where they diverge.

Start with :func:`load_event`; see ``data/README.md`` for the event folder format. The functions
below are the public surface; each lives in the module of its concept (``analysis.reliability``,
``analysis.framing``, ``analysis.divergence``, ``analysis.keyness``, ``analysis.autocode``, ...) and
is imported from there on first use, so ``import analysis`` stays light.
"""
from importlib import import_module

from .errors import DataError, Problem
from .events import Event, load_event, summary, validate_event

__version__ = "0.1.0"

# name -> module; the modules named like a function (reliability, keyness, autocode) keep their
# module name here, and their main function is reached as analysis.reliability.reliability etc.
_LAZY = {
    "consolidate": "reliability", "disagreements": "reliability", "independent_coders": "reliability",
    "coding_design": "quality",
    "frame_scores": "framing", "frame_profile": "framing", "claim_stances": "framing",
    "claim_timeline": "framing", "contradictions": "framing", "label_shares": "framing",
    "label_distribution": "framing", "figure_deviations": "framing", "figure_spread": "framing",
    "fact_matrix": "framing", "completeness": "framing", "source_mix": "framing",
    "source_diversity": "framing",
    "pairwise_divergence": "divergence", "consensus_distance": "divergence",
    "permutation_test": "divergence", "outlet_map": "divergence", "jensen_shannon": "divergence",
    "wire_edits": "wire", "evaluate": "autocode", "machine_codes": "autocode",
    "open_page": "page", "key_findings": "findings", "run_report": "report",
}

__all__ = ["DataError", "Problem", "Event", "load_event", "validate_event", "summary", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))
