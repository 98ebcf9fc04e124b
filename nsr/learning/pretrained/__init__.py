"""Small trained checkpoints shipped with the package (``TASK-SPLIT.json``), one per split.

They are what ``nsr solve scan "..."`` (or ``pcfg``) uses without ``--checkpoint`` (the task's
default split); refresh them with ``python benchmarks/nsr_scan.py --ship`` or
``python benchmarks/nsr_pcfg.py --seeds 0 --ship`` (seed 0 of each split).
"""
