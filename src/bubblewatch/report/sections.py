"""The report's section builders: each argument's result rendered as a :class:`Section`.

Every argument is analysed by :mod:`bubblewatch.arguments`; a section holds no model call, no
verdict rule and no domain constant of its own. :func:`build_section` renders one section on
the store's tables, where a single section is wanted without a whole report.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bubblewatch.report.assessment import Section
from bubblewatch.report.claims_section import build_claims

Tables = Mapping[str, pd.DataFrame]


def build_section(section_id: str, t: Tables) -> Section:
    """The section ``section_id`` (an argument, or ``claims``) on the tables ``t``."""
    if section_id == "claims":
        return build_claims(t)
    from bubblewatch.arguments import Session, get

    argument = get(section_id)
    return Section.from_result(Session(t).result(section_id), argument.title, argument.question)
