"""Prolog files of the DSL primitives (package data; see nsr.semantics.compiler)."""
