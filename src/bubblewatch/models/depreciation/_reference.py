"""Slow, obvious twin of :func:`bubblewatch.models.depreciation.schedule.schedule`.

Steps month by month through every tranche: in service from its month of purchase, each
month it is charged its net book value over its remaining months; on a change of life the
remaining months are reset to the new life less the months already used, and a tranche with
nothing left is written off at once. The tests compare this with the closed-form engine.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblewatch.models.depreciation.schedule import (
    MONTHS_PER_YEAR,
    LifeHistory,
    month_index,
    months_of_life,
)


def reference_schedule(
    capex: pd.Series, lives: LifeHistory | float, *, through: Any = None
) -> pd.DataFrame:
    """Depreciation and year-end net book value by fiscal year, month by month."""
    history = lives if isinstance(lives, LifeHistory) else LifeHistory(float(lives))
    changes = {month_index(c.effective): months_of_life(c.years) for c in history.changes}
    capex = capex.sort_index()
    spend: dict[int, float] = {}
    for end, value in capex.items():
        for k in range(MONTHS_PER_YEAR):
            spend[month_index(end) - k] = float(value) / MONTHS_PER_YEAR
    first = min(spend)
    last_end = month_index(capex.index[-1] if through is None else through)
    life_now = months_of_life(history.initial_years)
    for month in sorted(changes):
        if month < first:
            life_now = changes[month]
    book: list[list[float]] = []  # [bought_month, nbv, remaining_months]
    monthly_dep: dict[int, float] = {}
    monthly_nbv: dict[int, float] = {}
    for month in range(first, last_end + 1):
        if month in changes:
            life_now = changes[month]
            for tranche in book:
                tranche[2] = life_now - (month - tranche[0])
        if month in spend:
            book.append([month, spend[month], life_now])
        charge = 0.0
        for tranche in book:
            if tranche[1] <= 0.0:
                continue
            step = tranche[1] if tranche[2] <= 1 else tranche[1] / tranche[2]
            tranche[1] -= step
            tranche[2] -= 1
            charge += step
        monthly_dep[month] = charge
        monthly_nbv[month] = sum(t[1] for t in book)
    rows = []
    first_end = month_index(capex.index[0])
    for end in range(first_end, last_end + 1, MONTHS_PER_YEAR):
        months = range(end - MONTHS_PER_YEAR + 1, end + 1)
        rows.append(
            (
                end,
                sum(monthly_dep.get(m, 0.0) for m in months),
                monthly_nbv[end],
            )
        )
    index = pd.DatetimeIndex(
        [
            pd.Timestamp(year=e // MONTHS_PER_YEAR, month=e % MONTHS_PER_YEAR + 1, day=1)
            + pd.offsets.MonthEnd(0)
            for e, _, _ in rows
        ]
    )
    return pd.DataFrame(
        {"depreciation": [r[1] for r in rows], "net_book_value": [r[2] for r in rows]},
        index=index,
    )
