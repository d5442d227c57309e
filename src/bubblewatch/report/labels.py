"""Human labels and values for the report's tables.

A result's tables stay machine-readable: snake_case columns whose suffix names the unit
(``can_go_round_usd_bn``, ``self_financed_share``, ``old_years``, ``best_year``). Here they
become headings a reader can use (``Can go round ($bn)``) and each cell is written in its
column's unit: money with sensible precision, shares as percent, years as years, booleans as
yes/no, a missing value as an em dash. Identifier columns that a neighbouring column already
names in words (deal and change ids) are dropped; source columns become lists of source ids
for the renderer to cite.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from bubblewatch.arguments.result import MINUS, format_value, unit_text

DASH = "\u2014"
"""What a missing value shows."""

#: Words written in capitals (or their own spelling) wherever a label is humanized.
ACRONYMS: dict[str, str] = {
    "ai": "AI",
    "it": "IT",
    "gdp": "GDP",
    "gpu": "GPU",
    "gpus": "GPUs",
    "tpu": "TPU",
    "us": "US",
    "hhi": "HHI",
    "psy": "PSY",
    "lppls": "LPPLS",
    "fcf": "FCF",
    "pce": "PCE",
    "bea": "BEA",
    "lbnl": "LBNL",
    "bnef": "BNEF",
    "epri": "EPRI",
    "iea": "IEA",
    "tdp": "TDP",
    "pue": "PUE",
    "npv": "NPV",
    "eps": "EPS",
    "ppe": "PP&E",
    "rpo": "RPO",
    "saar": "SAAR",
    "ig": "IG",
    "usd": "USD",
    "kw": "kW",
    "gw": "GW",
    "twh": "TWh",
    "ipe": "IT equipment",
    "llm": "LLM",
    "roi": "ROI",
    "wti": "WTI",
    "openai": "OpenAI",
    "nvidia": "NVIDIA",
    "datacenter": "data-centre",
    "dc": "data-centre",
    "shale33": "(33 shale producers)",
}

#: Column suffix → (unit of the values, what the heading adds). Longest suffixes first.
SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("_usd_per_gpu_hour", "usd_per_gpu_hour", ""),
    ("_usd_bn", "usd_bn", "($bn)"),
    ("_usd_tn", "usd_tn", "($tn)"),
    ("_usd_m", "usd_m", "($m)"),
    ("_usd", "usd", "($)"),
    ("_share", "share", ""),
    ("_pct", "pct", "(%)"),
    ("_pp", "pp", "(pp)"),
    ("_gw", "gw", "(GW)"),
    ("_twh", "twh", "(TWh)"),
    ("_kw", "kw", "(kW)"),
    ("_years", "years", "(years)"),
    ("_year", "year", ""),
    ("_multiple", "x", ""),
)

#: Columns that need words of their own: name → (heading, unit of the values).
EXPLICIT: dict[str, tuple[str, str]] = {
    "hhi": ("Concentration (HHI)", "number"),
    "year": ("Year", "year"),
    "months": ("Months", "number"),
    "gw_per_year": ("GW a year", "number"),
    "best_year": ("Best-matching year", "year"),
    "next_from_year": ("Projected from", "year"),
    "next_horizon": ("Horizon (years)", "number"),
    "next_capex_peak_year": ("Next capex peak", "year"),
    "next_years_to_peak": ("Years to peak", "number"),
    "next_peak_to_trough": ("Peak to trough", "share"),
    "next_capex_change": ("Capex change", "share"),
    "binding_only": ("Binding deals only", "bool"),
    "gap_coverage": ("Outside money / gap", "x"),
    "old_years": ("Old life (years)", "years"),
    "new_years": ("New life (years)", "years"),
    "gdp_growth": ("GDP growth", "number"),
    "ai_related": ("AI-related", "number"),
    "ipe_and_software": ("IT equipment and software", "number"),
    "info_processing_equipment": ("IT equipment", "number"),
    "growth_excluding_ai_related": ("Growth excluding AI-related", "number"),
    "ai_related_share": ("AI-related share of growth", "share"),
    "default_round": ("Default (round)", "number"),
    "first_hit_round": ("First hit (round)", "number"),
    "self_financed_usd_bn": ("Self-financed ($bn)", "usd_bn"),
    "self_financed_share": ("Self-financed share", "share"),
    "external_share": ("Outside money share", "share"),
    "can_go_round_usd_bn": ("Can go round ($bn)", "usd_bn"),
    "legs_usd_bn": ("Legs ($bn)", "text"),
    "sources": ("Sources", "sources"),
    "source_id": ("Source", "sources"),
    "source": ("Source", "sources"),
    "origin": ("Origin", "sources"),
}

#: Columns of ids that another column of the same table already names in words.
DROPPED = frozenset({"deals", "deal_id", "deal_ids", "change_id", "issue_id", "estimate_id"})

_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:-[a-z0-9]+)*\b")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
_SPLIT_SOURCES = re.compile(r"[,;]\s*")
_PREFIXES = {"contrib": "Contribution:"}


def _word(token: str) -> str:
    if token in ACRONYMS:
        return ACRONYMS[token]
    match = re.fullmatch(r"([a-z]+)(\d+)", token)
    if match and match.group(1) in ACRONYMS:
        return ACRONYMS[match.group(1)] + match.group(2)
    return token


def words(identifier: str) -> str:
    """``"info_processing_equipment"`` → ``"info processing equipment"`` (acronyms capitalized)."""
    tokens = identifier.split("_")
    if tokens and tokens[0] in _PREFIXES:
        return " ".join([_PREFIXES[tokens[0]], *(_word(t) for t in tokens[1:])])
    return " ".join(_word(t) for t in tokens if t)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def humanize(name: str) -> str:
    """A column heading from a machine column name.

    ``can_go_round_usd_bn`` → ``Can go round ($bn)``, ``hhi`` → ``Concentration (HHI)``; a
    name that is already words (``"true life (years)"``) only gets a capital letter.
    """
    if name in EXPLICIT:
        return EXPLICIT[name][0]
    if not _IDENTIFIER.match(name):
        return _capitalize(name)
    stem, per, rate = name.partition("_usd_per_")
    if per and stem and rate:  # "electricity_usd_per_kwh" → "Electricity ($/kWh)"
        return _capitalize(f"{words(stem)} ({unit_text('usd_per_' + rate)})")
    for suffix, _unit, tail in SUFFIXES:
        if name.endswith(suffix) and name != suffix.lstrip("_"):
            if not tail:  # the suffix is a word of the heading: "largest buyer share"
                break
            stem = words(name.removesuffix(suffix))
            return _capitalize(f"{stem} {tail}")
    return _capitalize(words(name))


def column_unit(name: str) -> str:
    """The unit a column's values are written in: a :func:`format_value` unit, ``number``
    (plain, one precision for the column), ``bool``, ``text`` or ``sources``."""
    if name in EXPLICIT:
        return EXPLICIT[name][1]
    for suffix, unit, _tail in SUFFIXES:
        if name.endswith(suffix):
            return unit
    stem, per, rate = name.partition("_usd_per_")
    if per and stem and rate:
        return "usd_per_" + rate
    if name.endswith("(years)"):
        return "years"
    return "number"


_HYPHEN_MINUS = re.compile(r"(?<![\w.-])-(?=\d)")


def humanize_text(text: str) -> str:
    """Free text as shown: snake_case identifiers as words (``letter_of_intent`` → ``letter of
    intent``), a hyphen before a number as a minus sign (``-13%`` → ``−13%``)."""
    if _IDENTIFIER.match(text) and ("_" in text):
        return _capitalize(words(text))
    text = _SNAKE.sub(lambda m: words(m.group(0)), text)
    return _HYPHEN_MINUS.sub(MINUS, text)


#: The most decimals a column in these units shows (its heading names the unit).
_MOST = {"usd_bn": 1, "usd_tn": 2, "usd_m": 0, "usd": 0, "gw": 1, "twh": 0, "years": 1}


def decimals(values: pd.Series, unit: str = "number") -> int:
    """One precision for a column of plain numbers: none for whole numbers, else 2 below 10,
    1 below 1,000 and none above; never more than the unit's own (one for $bn and years)."""
    items = [plain(v) for v in values]
    finite = [
        float(v)
        for v in items
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    if not finite or all(v == round(v) for v in finite):
        return 0
    top = max(abs(v) for v in finite)
    places = 2 if top < 10 else 1 if top < 1000 else 0
    return min(places, _MOST.get(unit, places))


def number(value: float, places: int) -> str:
    """``value`` with ``places`` decimals, thousands separated, a minus sign, no ``-0``."""
    if value == 0:
        return "0"
    text = f"{abs(value):,.{places}f}"
    if value < 0 and any(ch in "123456789" for ch in text):
        return MINUS + text
    return text


def plain(value: object) -> object:
    """A NumPy scalar as the Python value it holds (``numpy.int64(3)`` → ``3``)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


def missing(value: object) -> bool:
    """``None``, ``pd.NA`` or NaN."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(value: object, unit: str, places: int) -> str:
    """One table cell written in its column's unit."""
    value = plain(value)
    if missing(value):
        return DASH
    if isinstance(value, bool) or unit == "bool":
        return "yes" if bool(value) else "no"
    if isinstance(value, str):
        return humanize_text(value) if value.strip() else DASH
    if isinstance(value, int | float):
        v = float(value)
        if not math.isfinite(v):
            return DASH
        if unit == "number":
            return number(v, places)
        if unit in ("usd_bn", "usd_tn", "usd_m", "usd", "gw", "twh", "kw", "years", "pp", "pct"):
            return number(v, places)  # the heading names the unit
        return format_value(v, unit)
    return humanize_text(str(value))


SourceCell = tuple[str, ...]
"""A cell of sources: source ids (and free-text notes where a row names no source id)."""


@dataclass(frozen=True)
class HumanTable:
    """A table as the reader sees it: headings, and rows of text or source cells."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str | SourceCell, ...], ...]


def split_sources(value: object) -> SourceCell:
    """``"a, b; c"`` → ``("a", "b", "c")``; a missing cell → ``()``."""
    if missing(value):
        return ()
    return tuple(part.strip() for part in _SPLIT_SOURCES.split(str(value)) if part.strip())


def _is_source_column(name: str, values: pd.Series, known: Collection[str]) -> bool:
    if column_unit(name) == "sources":
        return True
    ids = [sid for v in values for sid in split_sources(v)]
    return bool(ids) and bool(known) and all(sid in known for sid in ids)


def human_table(frame: pd.DataFrame, known_ids: Collection[str] = ()) -> HumanTable:
    """``frame`` with human headings and values (see the module docstring).

    A ``value`` column beside a ``unit`` column is written row by row in that row's unit, and
    the ``unit`` column goes; a source column that repeats an earlier one goes.
    """
    columns = [str(c) for c in frame.columns]
    row_units = "value" in columns and "unit" in columns
    kept: list[str] = []
    seen_sources: list[list[SourceCell]] = []
    kinds: dict[str, str] = {}
    for name in columns:
        if name in DROPPED or (row_units and name == "unit"):
            continue
        series = frame[name]
        if _is_source_column(name, series, known_ids):
            cells = [split_sources(v) for v in series]
            if cells in seen_sources:
                continue
            seen_sources.append(cells)
            kinds[name] = "sources"
        elif row_units and name == "value":
            kinds[name] = "row"
        else:
            kinds[name] = column_unit(name)
        kept.append(name)
    places = {name: decimals(frame[name], kinds[name]) for name in kept}
    label_column = kept[0] if kept else ""
    rows: list[tuple[str | SourceCell, ...]] = []
    for i in range(len(frame)):
        row: list[str | SourceCell] = []
        for name in kept:
            value = plain(frame[name].iloc[i])
            kind = kinds[name]
            if kind == "sources":
                row.append(split_sources(value))
            elif kind == "row":
                unit = frame["unit"].iloc[i]
                unit = "" if missing(unit) else str(unit)
                row.append(
                    DASH
                    if missing(value)
                    else humanize_text(format_value(value, unit))
                    if isinstance(value, str | float | int) and not isinstance(value, bool)
                    else cell(value, "text", 0)
                )
            elif name == label_column and isinstance(value, str) and _IDENTIFIER.match(value):
                row.append(humanize(value))  # a row label: "purchase_usd" → "Purchase ($)"
            else:
                row.append(cell(value, kind, places[name]))
        rows.append(tuple(row))
    return HumanTable(tuple(humanize(n) for n in kept), tuple(rows))
