"""Measures of a community as pure functions over arrays: no Django.

The simulator reports these per season, and the platform's trust pages (a later app) import
them rather than copy them, so a community sees the same index in a drill and in its record.
"""

from pomochi.measures.inequality import gini
from pomochi.measures.trust import (
    TrustIndex,
    helping_density,
    reciprocity_breadth,
    requests_met,
    trust_index,
)

__all__ = [
    "TrustIndex",
    "gini",
    "helping_density",
    "reciprocity_breadth",
    "requests_met",
    "trust_index",
]
