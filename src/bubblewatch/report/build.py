"""Assemble the :class:`Assessment` from the store: read each table once, run every builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from bubblewatch.arguments import ARGUMENTS, ArgumentError, Session
from bubblewatch.arguments.registry import section_ids
from bubblewatch.errors import BubblewatchError, DataError, ReportError, SpecificationError
from bubblewatch.report.assessment import Assessment, Section
from bubblewatch.report.claims_section import build_claims
from bubblewatch.report.names import label_changes
from bubblewatch.report.through import data_through
from bubblewatch.store import Store


def assess(store: Store, progress: Callable[[str], None] | None = None) -> Assessment:
    """Build every section from the store's current data.

    ``progress`` is called with each section id as it is built (the CLI drives a progress bar).
    """
    session = Session.from_store(store)
    tables = session.tables
    sections: list[Section] = []
    for section_id in section_ids():
        try:
            if section_id == "claims":
                sections.append(build_claims(session))
            else:
                argument = ARGUMENTS[section_id]
                sections.append(
                    Section.from_result(
                        session.result(section_id), argument.title, argument.question
                    )
                )
        except (SpecificationError, DataError):
            raise  # bad input keeps its own message and exit code
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, ArgumentError) else exc
            detail = (
                str(cause)
                if isinstance(cause, BubblewatchError) or cause is None
                else f"{type(cause).__name__}: {cause}"
            )
            raise ReportError(f"section {section_id!r} could not be built: {detail}") from exc
        names = (
            tuple(n for a in ARGUMENTS.values() for n in a.tables)
            if section_id == "claims"
            else ARGUMENTS[section_id].tables
        )
        sections[-1] = replace(sections[-1], data_through=data_through(tables, names))
        if progress is not None:
            progress(section_id)
    return Assessment(
        sections=tuple(sections),
        sources=tables["sources"],
        vintage=store.data_vintage(),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        changes=label_changes(store.changes(), tables),
    )
