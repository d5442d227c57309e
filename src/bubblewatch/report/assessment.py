"""Result objects of the report: evidence figures, sections and the whole assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch._json import records
from bubblewatch._repr import clip, clip_text, count, html_card, text_card
from bubblewatch._repr import esc as _esc
from bubblewatch.arguments.registry import section_ids
from bubblewatch.arguments.result import KeyFigure
from bubblewatch.errors import ReportError
from bubblewatch.store import DataVintage

if TYPE_CHECKING:
    from bubblewatch.arguments.result import Result
    from bubblewatch.report.scoreboard import Scoreboard

Evidence = KeyFigure
"""A figure shown in the report: an argument's :class:`~bubblewatch.arguments.KeyFigure`."""


@dataclass(frozen=True)
class Section:
    """One argument of the debate: the question, what the data says now, and its evidence."""

    id: str
    title: str
    question: str
    reading: str
    evidence: tuple[Evidence, ...]
    figure: Any = field(default=None, compare=False, repr=False)
    table: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    extra_source_ids: tuple[str, ...] = ()
    headline: int = 0
    tables: tuple[tuple[str, pd.DataFrame], ...] = field(default=(), compare=False, repr=False)
    """Titled tables shown after the chart (e.g. assumptions beside the results)."""
    detail: Any = field(default=None, compare=False, repr=False)
    """The model result behind the section where the renderers need more than the evidence
    (the claims section carries its :class:`~bubblewatch.claims.Ledger`)."""
    data_through: date | None = None
    """The latest observation date of the tables the section reads (:mod:`.through`)."""
    figures: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """Every chart of the section, in order; ``figure`` is the first (either may be given)."""

    def __post_init__(self) -> None:
        if not self.figures and self.figure is not None:
            object.__setattr__(self, "figures", (self.figure,))
        elif self.figures and self.figure is None:
            object.__setattr__(self, "figure", self.figures[0])

    @classmethod
    def from_result(cls, result: Result, title: str, question: str) -> Section:
        """The report section of an argument's result: its reading, figures, charts and tables."""
        charts = result.figures()
        return cls(
            result.argument,
            title,
            question,
            result.reading,
            result.key_figures,
            extra_source_ids=result.extra_source_ids,
            headline=result.headline,
            tables=result.tables,
            detail=result,
            figures=tuple(charts),
        )

    def _contents(self) -> str:
        return ", ".join(
            (
                count(len(self.evidence), "figure"),
                count(len(self.figures), "chart"),
                count(len(self.tables), "table"),
            )
        )

    def __repr__(self) -> str:
        head = f"{self.key_figure.label}: {self.key_figure.display}" if self.evidence else ""
        return clip(f"<Section {self.id} {self.title!r}: {self._contents()}; {head}>", 300)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self) if cycle else self._text())

    def _text(self) -> str:
        return text_card(
            f"[{self.id}] {self.title}: {self.question}",
            self.reading,
            self.evidence,
            f"{self._contents()}; .figures, .tables, .detail hold them.",
        )

    def _repr_html_(self) -> str:
        return html_card(
            self.title,
            self.question,
            self.reading,
            self.evidence,
            f"Section {self.id}: {self._contents()}.",
        )

    @property
    def one_line(self) -> str:
        """What the data say now, in one sentence: the reading's first sentence."""
        first, sep, _ = self.reading.partition(". ")
        return first + "." if sep else self.reading

    @property
    def key_figure(self) -> Evidence:
        """The evidence item that sums the section up (the scorecard shows it)."""
        return self.evidence[self.headline]

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Every source cited by the section, in first-cited order."""
        seen: dict[str, None] = {}
        for ev in self.evidence:
            for sid in ev.source_ids:
                seen.setdefault(sid, None)
        for sid in self.extra_source_ids:
            seen.setdefault(sid, None)
        return tuple(seen)


@dataclass(frozen=True)
class Assessment:
    """The whole report: ten sections, the sources they cite, and the data vintage."""

    sections: tuple[Section, ...]
    sources: pd.DataFrame = field(compare=False, repr=False)
    vintage: DataVintage
    generated_at: str
    changes: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    """The figures that moved since the store's previous vintage (:meth:`Store.changes`)."""

    def __post_init__(self) -> None:
        ids = tuple(s.id for s in self.sections)
        expected = section_ids()
        if ids != expected:
            raise ReportError(f"sections must be {expected}; found {ids}")
        known = set(self.sources["source_id"])
        for section in self.sections:
            missing = [sid for sid in section.source_ids if sid not in known]
            if missing:
                raise ReportError(
                    f"section {section.id!r} cites unknown sources: {', '.join(missing)}"
                )

    def __repr__(self) -> str:
        figures = sum(len(s.evidence) for s in self.sections)
        return clip(
            f"<Assessment: {count(len(self.sections), 'section')}, "
            f"{count(figures, 'key figure')} from {count(len(self.cited_source_ids), 'source')}, "
            f"{count(sum(len(s.figures) for s in self.sections), 'chart')}; data vintage "
            f"{self.vintage.describe()}; generated {self.generated_at}>",
            400,
        )

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self) if cycle else self._text())

    def _text(self) -> str:
        lines = [repr(self)]
        for s in self.sections:
            lines.append(
                clip(f"  {s.id}: {s.key_figure.label}: {s.key_figure.display}", 150)
                if s.evidence
                else f"  {s.id}: {s.title}"
            )
        lines.append(".section(id) for one section; to_html(), to_markdown() for the report.")
        return clip_text("\n".join(lines))

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><td style="text-align:left">{_esc(s.title)}</td>'
            f'<td style="text-align:left">{_esc(clip(s.key_figure.label, 90)) if s.evidence else ""}</td>'
            f'<td style="text-align:right;white-space:nowrap">{_esc(s.key_figure.display) if s.evidence else ""}</td>'
            f'<td style="text-align:left">{_esc(clip(s.one_line, 220))}</td></tr>'
            for s in self.sections
        )
        return (
            '<div class="bubblewatch-summary"><strong>Is the AI build-out a bubble?</strong>'
            f'<p style="color:#666">Data vintage: {_esc(self.vintage.describe())}. '
            f"Generated {_esc(self.generated_at)}. A reading of public data, not advice.</p>"
            "<table><thead><tr><th>argument</th><th>headline figure</th><th>value</th>"
            f"<th>what the data say</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )

    @property
    def data_through(self) -> date | None:
        """The latest observation date over every section."""
        return max((s.data_through for s in self.sections if s.data_through), default=None)

    @property
    def ledger(self) -> Any:
        """The claims ledger (:class:`bubblewatch.claims.Ledger`) behind the claims section."""
        return self.section("claims").detail

    def scoreboard(self) -> Scoreboard:
        """The bottom line and the scoreboard: per argument, its signal, where it sits in its
        own history, the rule that sets its lean and how its claims fared."""
        from bubblewatch.report.scoreboard import scoreboard

        return scoreboard(self)

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def source(self, source_id: str) -> dict[str, str]:
        row = self.sources.loc[self.sources["source_id"] == source_id].iloc[0]
        return {
            "source_id": str(row["source_id"]),
            "publisher": str(row["publisher"]),
            "title": str(row["title"]),
            "url": str(row["url"]),
            "published": f"{row['published']:%Y-%m-%d}",
            "retrieved": f"{row['retrieved']:%Y-%m-%d}",
            "locator": str(row["locator"]),
        }

    @property
    def cited_source_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.sections:
            for sid in s.source_ids:
                seen.setdefault(sid, None)
        return tuple(seen)

    def summary(self) -> str:
        lines = [f"bubblewatch assessment — data vintage: {self.vintage.describe()}"]
        lines += [f"[{s.id}] {s.title}: {s.reading}" for s in self.sections]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per evidence figure."""
        rows = [
            {"section": s.id, **ev.to_dict(), "source_ids": ";".join(ev.source_ids)}
            for s in self.sections
            for ev in s.evidence
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: ``sections`` keyed by id, each with title, reading, evidence, sources."""
        return {
            "title": "bubblewatch: is the AI build-out a bubble?",
            "data_through": (None if self.data_through is None else self.data_through.isoformat()),
            "generated_at": self.generated_at,
            "data_vintage": self.vintage.to_dict(),
            "scoreboard": self.scoreboard().to_dict(),
            "changes": [] if self.changes is None else records(self.changes),
            "claims": None if self.ledger is None else self.ledger.to_dict(),
            "sections": {
                s.id: {
                    "title": s.title,
                    "data_through": (
                        None if s.data_through is None else s.data_through.isoformat()
                    ),
                    "question": s.question,
                    "reading": s.reading,
                    "evidence": [ev.to_dict() for ev in s.evidence],
                    "signal": (
                        s.detail.signal.to_dict()
                        if getattr(s.detail, "signal", None) is not None
                        else None
                    ),
                    "tables": [
                        {"title": title, "rows": records(frame)} for title, frame in s.tables
                    ],
                    "sources": [self.source(sid) for sid in s.source_ids],
                }
                for s in self.sections
            },
        }
