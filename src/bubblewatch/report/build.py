"""Assemble the :class:`Assessment` from the store: read each table once, run every builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bubblewatch._typing import SECTION_IDS
from bubblewatch.data import SCHEMAS
from bubblewatch.errors import BubblewatchError, DataError, ReportError, SpecificationError
from bubblewatch.report.assessment import Assessment, Section
from bubblewatch.report.sections import BUILDERS
from bubblewatch.store import Store


def assess(store: Store, progress: Callable[[str], None] | None = None) -> Assessment:
    """Build every section from the store's current data.

    ``progress`` is called with each section id as it is built (the CLI drives a progress bar).
    """
    tables = {name: store.read(name) for name in SCHEMAS if name != "series"}
    sections: list[Section] = []
    for section_id in SECTION_IDS:
        try:
            sections.append(BUILDERS[section_id](tables))
        except (SpecificationError, DataError):
            raise  # bad input keeps its own message and exit code
        except Exception as exc:
            detail = (
                str(exc) if isinstance(exc, BubblewatchError) else f"{type(exc).__name__}: {exc}"
            )
            raise ReportError(f"section {section_id!r} could not be built: {detail}") from exc
        if progress is not None:
            progress(section_id)
    return Assessment(
        sections=tuple(sections),
        sources=tables["sources"],
        vintage=store.data_vintage(),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        changes=store.changes(),
    )
