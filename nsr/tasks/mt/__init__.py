"""Compositional English -> French translation (data in ``../shared/data/mt``)."""

from nsr.tasks.mt.task import TEST_STEMS, MtTask, load_file, load_pair

__all__ = ["TEST_STEMS", "MtTask", "load_file", "load_pair"]
