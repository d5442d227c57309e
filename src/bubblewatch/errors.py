"""The bubblewatch exception hierarchy.

Every error the library raises on purpose derives from :class:`BubblewatchError`.
Each class carries the process exit code the CLI uses for it: ``2`` for bad input
(the user can fix it), ``1`` for a failure outside the user's control.
"""

from __future__ import annotations


class BubblewatchError(Exception):
    """Base class of every error bubblewatch raises on purpose."""

    exit_code: int = 1


class SpecificationError(BubblewatchError, ValueError):
    """A request that cannot be honoured as stated: unknown table, bad option value."""

    exit_code = 2


class DataError(BubblewatchError, ValueError):
    """Input data that does not meet its contract: malformed CSV, unknown unit, duplicates."""

    exit_code = 2


class InputPathError(DataError):
    """A path given by the user that cannot be read or written."""


class StoreError(BubblewatchError):
    """The DuckDB store cannot be opened, read or written."""


class StoreBusyError(StoreError):
    """Another process is writing the store and did not finish within the wait."""


class VerificationError(BubblewatchError):
    """The dataset failed verification (orphan sources, unknown units, duplicates)."""


class SourceError(BubblewatchError):
    """A remote data provider failed or answered with something unusable."""


class ReportError(BubblewatchError):
    """A report could not be built or written."""


class CheckError(BubblewatchError):
    """A claim's check failed for a reason other than missing evidence (a bug or a broken model)."""
