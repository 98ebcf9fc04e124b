"""Command groups of the ``nsr`` CLI, one module each, each exposing ``register(subparsers)``."""
