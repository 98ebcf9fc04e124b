"""One root error for the whole package.

Every error nsr raises derives from :class:`NsrError` and, where one fits, from the matching
builtin, so callers can catch either ``nsr.NsrError`` or e.g. ``ValueError``. Messages say what
was wrong and what to do about it; the CLI prints them as one line without a traceback.
"""

from __future__ import annotations


class NsrError(Exception):
    """Root of every error raised by nsr."""


class ConfigError(NsrError, ValueError):
    """A setting, argument or configuration value is invalid."""


class DataError(NsrError, ValueError):
    """A data file or record is malformed; the message names the file and line."""


class ResourceNotFound(NsrError, FileNotFoundError):
    """A file the user named, or a shipped resource, does not exist."""


class MissingDependency(NsrError, ImportError):
    """A system or Python dependency is not installed; the message names the install command."""


class EngineError(NsrError, RuntimeError):
    """A foreign engine (SWI-Prolog, a planner) failed."""


class DownloadError(NsrError, OSError):
    """A download failed (offline, bad checksum, server error)."""
