"""Media-discrepancy analysis: how outlets reported the same event, and where they diverge.

Start with :func:`load_event`; see ``data/README.md`` for the event folder format.
"""
from .errors import DataError, Problem
from .events import Event, load_event, summary, validate_event

__all__ = ["DataError", "Problem", "Event", "load_event", "validate_event", "summary"]
__version__ = "0.1.0"
