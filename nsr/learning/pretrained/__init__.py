"""Small trained checkpoints shipped with the package (``TASK-SPLIT.json``), one per SCAN split.

They are what ``nsr solve scan "..."`` uses without ``--checkpoint``; refresh them with
``python benchmarks/nsr_scan.py --ship`` (seed 0 of each split).
"""
