"""Schemas of the curated tables: columns, types, keys, allowed values and units.

One :class:`TableSchema` per table. The loaders, the store and ``bubblewatch data verify``
all read these definitions, so a table's contract is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bubblewatch._typing import DEAL_STATUSES, DEAL_TYPES

ColumnType = Literal["str", "float", "int", "date"]

#: Units the dataset knows. Units live in a ``unit`` column or in column names (``usd_bn``).
KNOWN_UNITS: frozenset[str] = frozenset(
    {
        "usd_m",
        "usd_bn",
        "usd_tn",
        "years",
        "pct",
        "pp",
        "gw",
        "mw",
        "twh",
        "x",
        "usd_per_gpu_hour",
        "usd_per_share",
        "usd_per_bbl",
        "usd",
        "usd_per_kwh",
        "usd_per_kw_month",
        "m_shares",
        "w",
        "kw",
        "tflops",
        "share",
        "count",
        "index_points",
        "index",
        "number",
    }
)


@dataclass(frozen=True)
class Column:
    """One column: its name, type, whether it may be empty and, if closed, its allowed values."""

    name: str
    type: ColumnType = "str"
    required: bool = True
    allowed: frozenset[str] | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    """The contract of one curated table."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    unit_column: str | None = None
    sourced: bool = True
    shipped: bool = True
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return self._by_name[name]


def column(
    name: str,
    type: ColumnType = "str",
    required: bool = True,
    allowed: set[str] | None = None,
) -> Column:
    """A column of a table's schema (``allowed`` closes it to those values)."""
    return Column(name, type, required, frozenset(allowed) if allowed is not None else None)


_c = column

SOURCES = TableSchema(
    name="sources",
    description="One row per source: publisher, title, URL, dates and the locator of the figures.",
    columns=(
        _c("source_id"),
        _c("publisher"),
        _c("title"),
        _c("url"),
        _c("published", "date"),
        _c("retrieved", "date"),
        _c("locator"),
        _c("terms", required=False),
    ),
    key=("source_id",),
    sourced=False,
)

FINANCIALS = TableSchema(
    name="financials",
    description=(
        "Hyperscaler capex, finance leases, operating cash flow, D&A, capex guidance, income "
        "lines, diluted EPS and shares, and the PP&E note's gross server and total lines."
    ),
    columns=(
        _c("entity"),
        _c(
            "metric",
            allowed={
                "capex",
                "capex_proceeds_incentives",
                "finance_leases",
                "operating_cash_flow",
                "depreciation_amortization",
                "capex_guidance_low",
                "capex_guidance_high",
                "operating_income",
                "pretax_income",
                "income_tax",
                "net_income",
                "eps_diluted",
                "shares_diluted",
                "ppe_servers_network_gross",
                "ppe_gross_total",
                "ppe_land_gross",
                "ppe_construction_in_progress",
                "remaining_performance_obligations",
                "debt_issued",
                "debt_repaid",
                "commercial_paper_net",
                "equity_issued",
                "buybacks",
                "dividends_paid",
                "leases_not_commenced",
            },
        ),
        _c("period"),
        _c("fiscal_year_end", "date"),
        _c("value", "float"),
        _c("unit"),
        _c("source_id"),
    ),
    key=("entity", "metric", "period"),
    unit_column="unit",
)

USEFUL_LIVES = TableSchema(
    name="useful_lives",
    description="Server and network-equipment useful-life changes and their disclosed effects.",
    columns=(
        _c("change_id"),
        _c("company"),
        _c("asset_class"),
        _c("old_years", "float"),
        _c("new_years", "float"),
        _c("effective_date", "date"),
        _c("fiscal_period"),
        _c("effect_period", required=False),
        _c("effect_depreciation_usd_bn", "float", required=False),
        _c("effect_operating_income_usd_bn", "float", required=False),
        _c("effect_net_income_usd_bn", "float", required=False),
        _c("source_id"),
    ),
    key=("change_id", "asset_class", "effect_period"),
)

DEALS = TableSchema(
    name="deals",
    description="The AI financing network: who pays whom, for what, how much, how binding.",
    columns=(
        _c("deal_id"),
        _c("date", "date"),
        _c("party_a"),
        _c("party_b"),
        _c("type", allowed=set(DEAL_TYPES)),
        _c("money_from", required=False),
        _c("money_to", required=False),
        _c("goods_from", required=False),
        _c("goods_to", required=False),
        _c("goods", required=False),
        _c("amount_usd_bn", "float", required=False),
        _c("amount_basis", allowed={"headline", "up_to", "estimate", "undisclosed"}),
        _c("status", allowed=set(DEAL_STATUSES)),
        _c("source_id"),
        _c("term_years", "float", required=False),
    ),
    key=("deal_id",),
)

DEBT = TableSchema(
    name="debt",
    description="Bond and private-credit issuance by AI issuers and data-center vehicles.",
    columns=(
        _c("issue_id"),
        _c("date", "date"),
        _c("issuer"),
        _c(
            "issuer_type",
            allowed={"hyperscaler", "neocloud", "ai_lab", "dc_vehicle", "chipmaker"},
        ),
        _c(
            "instrument",
            allowed={
                "ig_bond",
                "hy_bond",
                "convertible",
                "private_credit",
                "term_loan",
                "project_finance",
                "abs",
            },
        ),
        _c("amount_usd_bn", "float"),
        _c("currency"),
        _c("max_maturity_years", "float", required=False),
        _c("note", required=False),
        _c("source_id"),
        _c("sponsor", required=False),
    ),
    key=("issue_id",),
)

MACRO = TableSchema(
    name="macro",
    description="BEA figures to decompose US real GDP growth (contributions in pp, SAAR).",
    columns=(
        _c("series"),
        _c("period"),
        _c("value", "float"),
        _c("unit"),
        _c("bea_table", required=False),
        _c("bea_line", required=False),
        _c("vintage"),
        _c("source_id"),
    ),
    key=("series", "period", "vintage"),
    unit_column="unit",
)

POWER = TableSchema(
    name="power",
    description="US data-center power capacity and demand: actuals and forecasts by source.",
    columns=(
        _c("series_id"),
        _c("publisher_short"),
        _c("entity"),
        _c("metric"),
        _c("year"),
        _c("value", "float", required=False),
        _c("value_low", "float", required=False),
        _c("value_high", "float", required=False),
        _c("unit"),
        _c("kind", allowed={"actual", "forecast"}),
        _c("source_id"),
    ),
    key=("series_id", "year"),
    unit_column="unit",
)

MARKET = TableSchema(
    name="market",
    description=(
        "Market snapshot: month-end closes (close, adj_close), daily closes for the LPPLS "
        "panels (daily_close, daily_adj_close), Shiller's monthly mean price, dividends, "
        "earnings and CPI, and curated Nasdaq-100 forward P/E figures (forward_pe)."
    ),
    columns=(
        _c("series"),
        _c(
            "field",
            allowed={
                "close",
                "adj_close",
                "daily_close",
                "daily_adj_close",
                "mean_close",
                "dividend",
                "earnings",
                "cpi",
                "forward_pe",
            },
        ),
        _c("date", "date"),
        _c("value", "float"),
        _c("unit"),
        _c("source_id"),
    ),
    key=("series", "field", "date"),
    unit_column="unit",
)

CLAIMS = TableSchema(
    name="claims",
    description="The debate's claims C01-C35: speaker, date, figures and the data that tests them.",
    columns=(
        _c("claim_id"),
        _c("section"),  # a registered argument's id: checked by the claims ledger
        _c("speaker"),
        _c("date", "date"),
        _c("claim"),
        _c("figures", required=False),
        _c("tested_by", required=False),
        _c("source_id"),
    ),
    key=("claim_id",),
)

ACCELERATORS = TableSchema(
    name="accelerators",
    description=(
        "Dated accelerator rental quotes, purchase prices and specs, and the data-centre "
        "operating figures (PUE, electricity, colocation) the GPU economics model reads."
    ),
    columns=(
        _c("item"),
        _c(
            "metric",
            allowed={
                "rental_usd_per_gpu_hour",
                "rental_contract_usd_per_gpu_hour",
                "purchase_usd_per_gpu",
                "all_in_capex_usd_per_gpu",
                "tdp_w",
                "bf16_dense_tflops",
                "system_power_kw",
                "load_factor",
                "pue",
                "electricity_usd_per_kwh",
                "colocation_usd_per_kw_month",
                "price_performance_doubling_years",
            },
        ),
        _c("date", "date"),
        _c("provider"),
        _c("detail", required=False),
        _c("value", "float"),
        _c("unit"),
        _c("source_id"),
    ),
    key=("item", "metric", "date", "provider", "detail"),
    unit_column="unit",
)

ESTIMATES = TableSchema(
    name="estimates",
    description="Published third-party estimates and statements the models test (e.g. critics' figures).",
    columns=(
        _c("estimate_id"),
        _c("author"),
        _c("date", "date"),
        _c("subject"),
        _c("metric"),
        _c("period"),
        _c("value", "float"),
        _c("unit"),
        _c("source_id"),
    ),
    key=("estimate_id",),
    unit_column="unit",
)

SERIES = TableSchema(
    name="series",
    description="Users' own series imported with `bubblewatch import` (date, value).",
    columns=(
        _c("name"),
        _c("date", "date"),
        _c("value", "float"),
        _c("unit"),
        _c("source_id"),
    ),
    key=("name", "date"),
    unit_column="unit",
    shipped=False,
)

CYCLES = TableSchema(
    name="cycles",
    description="Past investment cycles (shale, telecom, railways): sourced yearly levels and ratios.",
    columns=(
        _c("cycle", allowed={"shale", "telecom", "railways"}),
        _c("year", "int"),
        _c("metric"),
        _c("value", "float"),
        _c("unit"),
        _c("note", required=False),
        _c("source_id"),
    ),
    key=("cycle", "metric", "year"),
    unit_column="unit",
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        SOURCES,
        FINANCIALS,
        USEFUL_LIVES,
        DEALS,
        DEBT,
        MACRO,
        POWER,
        MARKET,
        CLAIMS,
        ACCELERATORS,
        ESTIMATES,
        CYCLES,
        SERIES,
    )
}

#: Tables shipped in the wheel, in the order they are listed.
SHIPPED_TABLES: tuple[str, ...] = tuple(n for n, s in SCHEMAS.items() if s.shipped)
