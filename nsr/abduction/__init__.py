"""Abduction: top-down revision search that makes a wrong tree produce its target."""
