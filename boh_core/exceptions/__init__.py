"""Exceptions a manager must see: detectors of unusual sales, feeds, usage, waste, prices,
counts, sensors and labour, over plain data (pandas frames), returning :class:`Finding`."""

from .finding import KINDS, Finding

__all__ = ["KINDS", "Finding"]
