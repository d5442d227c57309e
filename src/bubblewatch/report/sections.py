"""The report's section builders: each argument's result rendered as a :class:`Section`.

Every argument is analysed by :mod:`bubblewatch.arguments`; a section holds no model call, no
verdict rule and no domain constant of its own. ``BUILDERS`` maps each section id to a builder
over the store's tables (used where a single section is wanted without a whole report).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from bubblewatch.report.assessment import Section
from bubblewatch.report.claims_section import build_claims

Tables = Mapping[str, pd.DataFrame]


def from_argument(argument_id: str) -> Callable[[Tables], Section]:
    """A builder that renders a registered argument's result on the given tables."""

    def build(t: Tables) -> Section:
        from bubblewatch.arguments import Session, get

        argument = get(argument_id)
        return Section.from_result(
            Session(t).result(argument_id), argument.title, argument.question
        )

    build.__name__ = f"build_{argument_id}"
    return build


BUILDERS: dict[str, Callable[[Tables], Section]] = {
    "markets": from_argument("markets"),
    "circularity": from_argument("circularity"),
    "funding": from_argument("funding"),
    "depreciation": from_argument("depreciation"),
    "gdp": from_argument("gdp"),
    "cycles": from_argument("cycles"),
    "roi": from_argument("roi"),
    "power": from_argument("power"),
    "credit": from_argument("credit"),
    "claims": build_claims,
}
