"""SCAN: loader for the five standard splits, a reader for SCAN's file format, the oracle."""

from nsr.tasks.scan.oracle import interpret
from nsr.tasks.scan.task import ALL_COMMANDS_FILE, SPLIT_FILES, ScanTask, load_file

__all__ = ["ALL_COMMANDS_FILE", "SPLIT_FILES", "ScanTask", "interpret", "load_file"]
