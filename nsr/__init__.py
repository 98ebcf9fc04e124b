"""nsr: a neuro-symbolic solver.

Importing this package is cheap on purpose: it never imports torch, pyswip or unified_planning.
Heavy engines load inside the subpackage that owns them (``nsr.backends.prolog``,
``nsr.backends.pddl``) the first time they are used.
"""

from nsr.errors import NsrError

__version__ = "0.1.0"
__all__ = ["NsrError", "__version__"]
