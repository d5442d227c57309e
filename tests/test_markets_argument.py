"""The markets argument: its knobs, one run of each engine per series, a chart from the detail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from bubblewatch.arguments import markets
from bubblewatch.arguments.result import Result
from bubblewatch.data import load_table
from bubblewatch.detect import lppls, psy, runup
from bubblewatch.detect.psy.result import shade_episodes
from bubblewatch.errors import SpecificationError
from bubblewatch.models import market as mk

FAST = markets.MarketsParams(lppls_end_step=50)
"""Every knob at its default but the LPPLS end dates, five a series instead of 25."""

ENTRY_POINTS = (
    (psy, "test"),
    (psy, "critical_values"),
    (psy, "datestamp"),
    (lppls, "confidence"),
    (runup, "assess"),
    (mk, "context"),
    (mk, "shiller_cape"),
    (mk, "psy_inputs"),
    (mk, "daily_inputs"),
)


@pytest.fixture(scope="module")
def tables() -> dict[str, Any]:
    return {"market": load_table("market"), "claims": load_table("claims")}


def test_defaults_build_and_every_field_is_a_documented_knob() -> None:
    p = markets.MarketsParams()
    assert p.tickers == mk.AI_BASKET
    assert p.psy_names == tuple(mk.PSY_SERIES) and p.lppls_names == tuple(mk.DAILY_SERIES)
    assert (p.psy_start, p.psy_level, p.level_label) == ("1985-01", 0.95, "95%")
    windows = (p.lppls_min_window, p.lppls_max_window, p.lppls_window_step, p.lppls_end_step)
    assert windows == (125, 750, 25, 10) and p.lppls_recent == 250
    assert all(row["doc"] and row["unit"] for row in p.knobs())
    assert markets.MarketsParams.from_assignments(["basket=nvda, msft,nvda"]).tickers == (
        "NVDA",
        "MSFT",
    )
    with pytest.raises(SpecificationError, match="lppls_min_window"):
        markets.MarketsParams(lppls_min_window=800)
    with pytest.raises(SpecificationError, match="psy_level"):
        markets.MarketsParams(psy_level=0.5)


def test_each_engine_runs_once_per_series_and_the_chart_runs_none(
    tables: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: Counter[str] = Counter()
    monkeypatch.setenv("BUBBLEWATCH_CACHE", "off")  # count the engine runs themselves

    def counted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return func(*args, **kwargs)

        return wrapper

    for module, name in ENTRY_POINTS:
        monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    result = markets.analyze(tables, FAST)
    assert calls == {
        "test": 3,
        "critical_values": 3,
        "datestamp": 3,
        "confidence": 4,  # two daily series; month-end closes over 1997-2001 and of late
        "assess": 2,
        "context": 1,
        "shiller_cape": 1,
        "psy_inputs": 1,
        "daily_inputs": 1,
    }
    calls.clear()
    assert len(markets.chart(result)) == 6
    assert not calls


def test_chart_shades_the_episodes_as_add_vrect_does_and_names_them(
    tables: dict[str, Any],
) -> None:
    result: Result = markets.analyze(tables, FAST)
    view: markets.MarketsView = result.detail
    fig = markets.chart(result)[4]
    assert fig.layout.shapes, "the shipped series have dated episodes"
    reference = go.Figure(fig)
    reference.layout.shapes = ()
    for k, p in enumerate(view.psy):
        shade_episodes(reference, p.episodes.table, p.result.bsadf.index[-1], row=k + 1, col=1)

    def where(shapes: Any) -> list[tuple[Any, ...]]:
        return [(s.x0, s.x1, s.xref, s.yref, s.fillcolor) for s in shapes]

    assert where(fig.layout.shapes) == where(reference.layout.shapes)
    names = [s.name for s in fig.layout.shapes]
    assert set(names) == set(markets.EPISODE_NAMES.values())  # the shipped data have both
    assert sorted(s.name for s in fig.layout.shapes if s.showlegend) == sorted(set(names))


def test_knobs_choose_the_series_and_the_level(tables: dict[str, Any]) -> None:
    p = markets.MarketsParams(
        psy_series="sp500-pd", psy_level=0.9, lppls_series="ai-basket", lppls_end_step=100
    )
    result = markets.analyze(tables, p)
    view: markets.MarketsView = result.detail
    assert [q.label for q in view.psy] == ["S&P 500 price/dividend"]
    assert [q.label for q in view.lppls] == ["AI basket"]
    assert view.psy[0].episodes.level == "90%"
    gsadf = result.figure("PSY GSADF statistic, S&P 500 price/dividend")
    assert gsadf.note.startswith(f"90% critical value {view.psy[0].cv.gsadf['90%']:.2f}")
    assert "rejects a random walk at 10% for" in result.reading
    figs = markets.chart(result)
    assert [a.text for a in figs[4].layout.annotations] == ["S&P 500 price/dividend, monthly"]
    daily = [t.name for t in figs[5].data if "daily closes" in str(t.name)]
    assert len(daily) == 1 and daily[0].startswith("AI basket")


def test_the_2000_episode_reads_as_a_bubble_beside_todays_reading(tables: dict[str, Any]) -> None:
    result = markets.analyze(tables, FAST)
    view: markets.MarketsView = result.detail
    h = view.lppls_history
    episode = h.episode.positive
    assert (episode.index.min(), episode.index.max()) == (
        pd.Timestamp("1997-01-31"),
        pd.Timestamp("2001-12-31"),
    )
    assert episode.loc["1999":"2000"].max() >= 0.3  # a clearly positive reading
    assert episode.loc["2001"].max() < 0.1  # and none once the bubble had burst
    high_on, high = h.episode_high
    assert pd.Timestamp("1999-01-01") <= high_on <= pd.Timestamp("2000-12-31")
    # today's month-end reading, with the same settings, is in the detail and its dictionary
    now_on, now = h.now
    assert now_on == view.nasdaq.dropna().index[-1] and 0.0 <= now <= 1.0
    assert h.recent.windows == h.episode.windows == (20, 60, 2)
    saved = view.to_dict()["lppls_history"]
    assert saved["now"] == {"date": now_on.date().isoformat(), "positive": now}
    assert saved["episode_high"]["positive"] == high
    label = "LPPLS positive-bubble confidence, NASDAQ Composite month-end"
    assert result.figure(f"{label}, 1997-2001 high").value == high
    assert result.figure(f"{label} ({now_on:%b %Y})").value == now
    title = markets.chart(result)[5].layout.title.text
    assert f"{high:.0%} in {high_on:%b %Y}" in title and f"{now:.0%} in {now_on:%b %Y}" in title


def test_the_claimed_forward_pe_is_drawn_beside_the_cited_figures(tables: dict[str, Any]) -> None:
    result = markets.analyze(tables, FAST)
    view: markets.MarketsView = result.detail
    assert [value for _text, value in view.claimed_pe] == [28.0, 26.0]  # C02: peak, now
    fig = markets.chart(result)[3]
    claimed = [(s.name, s.y0) for s in fig.layout.shapes]
    assert claimed == [(f"Claimed: {text} (C02)", value) for text, value in view.claimed_pe]
    cited = fig.data[0]
    assert list(cited.y) == list(view.context.forward_pe["value"])
    assert f"{cited.y[-1]:.1f}x" in fig.layout.title.text
