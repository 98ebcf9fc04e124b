"""p(tree | symbols): dependency trees, arc-standard transitions with SWAP, and the MLP parser.

``nsr.syntax.tree`` and ``nsr.syntax.transitions`` are pure Python; ``nsr.syntax.parser``
imports torch, so import it explicitly.
"""

from nsr.syntax.tree import Tree, enumerate_trees

__all__ = ["Tree", "enumerate_trees"]
