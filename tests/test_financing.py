"""The deal network: edges, filters, cycles, circular sales, circular share, and the stress test."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.data import load_table
from bubblewatch.errors import SpecificationError
from bubblewatch.models import financing, stress

COLUMNS = [
    "deal_id",
    "date",
    "party_a",
    "party_b",
    "type",
    "money_from",
    "money_to",
    "goods_from",
    "goods_to",
    "goods",
    "amount_usd_bn",
    "amount_basis",
    "status",
    "source_id",
    "term_years",
]


def _deals(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


TOY = _deals(
    [
        (
            "v_inv_b",
            "2025-01-01",
            "V",
            "B",
            "equity",
            "V",
            "B",
            "B",
            "V",
            "shares",
            30.0,
            "headline",
            "binding",
            "s1",
            None,
        ),
        (
            "b_buys_c",
            "2025-02-01",
            "B",
            "C",
            "compute_contract",
            "B",
            "C",
            "C",
            "B",
            "compute",
            100.0,
            "headline",
            "binding",
            "s2",
            5.0,
        ),
        (
            "c_buys_v",
            "2025-03-01",
            "C",
            "V",
            "chip_purchase",
            "C",
            "V",
            "V",
            "C",
            "chips",
            40.0,
            "estimate",
            "announced",
            "s3",
            None,
        ),
        (
            "v_sells_b",
            "2025-04-01",
            "B",
            "V",
            "chip_purchase",
            "B",
            "V",
            "V",
            "B",
            "chips",
            20.0,
            "estimate",
            "binding",
            "s4",
            None,
        ),
    ]
)


def test_network_has_money_and_goods_edges_with_annual_amounts() -> None:
    g = financing.network(TOY)
    money = financing.money_edges(g)
    assert len(money) == 4 and g.number_of_edges() == 8
    row = money.loc[money["deal_id"] == "b_buys_c"].iloc[0]
    assert row["annual_usd_bn"] == pytest.approx(20.0)


def test_cycles_by_hand() -> None:
    """Money: V->B 30 (equity), B->C 100, C->V 40, B->V 20. Loops: V->B->C->V with bottleneck
    30, and V->B->V with bottleneck 20."""
    found = financing.cycles(financing.network(TOY))
    labels = {c.label(): c.bottleneck for c in found}
    assert labels == {"B → C → V → B": 30.0, "B → V → B": 20.0}


def test_circular_sales_by_hand() -> None:
    """V sells 20 of chips to B and invested 30 in B: all 20 are paid with V's own money.
    C sells 100 to B and invested nothing: 0."""
    table = financing.circular_sales(financing.network(TOY))
    assert table.loc["V", "self_financed_share"] == pytest.approx(20 / 60)
    assert table.loc["V", "sales_usd_bn"] == pytest.approx(60)
    assert table.loc["C", "self_financed_share"] == 0.0
    assert table.loc["V", "largest_buyer"] == "C" and table.loc["V", "hhi"] == pytest.approx(
        (40 / 60) ** 2 + (20 / 60) ** 2
    )


def test_circular_share_by_hand() -> None:
    """Total flow 190. Cancel V->B->C->V at 30 first (90 of flow); V->B has nothing left, so
    the V->B->V loop is gone: circular share 90/190."""
    assert financing.circular_share(financing.network(TOY)) == pytest.approx(90 / 190)


def test_filters() -> None:
    binding = financing.select(TOY, statuses=["binding"])
    assert "c_buys_v" not in set(binding["deal_id"])
    assert financing.cycles(financing.network(binding))[0].label() == "B → V → B"
    assert len(financing.select(TOY, since="2025-03-01")) == 2
    with pytest.raises(SpecificationError, match="unknown status"):
        financing.select(TOY, statuses=["rumour"])


def test_the_debates_cycle_exists_in_the_shipped_deals() -> None:
    """NVIDIA invests in OpenAI, OpenAI buys compute from Oracle, Oracle buys NVIDIA chips."""
    g = financing.network(load_table("deals"))
    labels = [c.label() for c in financing.cycles(g)]
    assert "NVIDIA → OpenAI → Oracle → NVIDIA" in labels
    binding = financing.network(financing.select(load_table("deals"), statuses=["binding"]))
    assert "NVIDIA → OpenAI → Oracle → NVIDIA" not in [c.label() for c in financing.cycles(binding)]


def test_stress_by_hand_on_the_toy_network() -> None:
    """Binding obligations: B owes C 100/5 = 20 a year and V 20/5 (default term) = 4. With zero
    buffers, outside assets just cover each firm's net obligations. If B pays only half, C gets
    10 instead of 20 and V 2 instead of 4."""
    fin = pd.DataFrame(
        columns=["entity", "metric", "period", "fiscal_year_end", "value", "unit", "source_id"]
    )
    r = stress.stress(TOY, fin, {"B": 0.5})
    assert r.obligations.loc["B", "C"] == pytest.approx(20)
    assert r.obligations.loc["B", "V"] == pytest.approx(4)
    assert r.clearing.losses["C"] == pytest.approx(10)
    assert r.clearing.losses["V"] == pytest.approx(2)
    with pytest.raises(SpecificationError):
        stress.stress(TOY, fin, {})
    with pytest.raises(SpecificationError, match="unknown firm"):
        stress.stress(TOY, fin, {"B": 0.5}, buffer_overrides={"Q": 1.0})
    assert stress.parse_shocks(["B=0.5,C=1"]) == {"B": 0.5, "C": 1.0}
    with pytest.raises(SpecificationError):
        stress.parse_shocks(["B"])


def test_funding_by_hand() -> None:
    """FY2025: capex 100, finance leases 10, buybacks 20, OCF 90: gap 40. It issued 25 of
    debt (and commercial paper rose 5) and sponsors a 20 vehicle: outside money 50, covering
    1.25x the gap; external share 50 / (50 + 90)."""
    from bubblewatch.models.funding import funding

    def row(metric: str, value: float) -> tuple[object, ...]:
        return ("Co", metric, "FY2025", "2025-12-31", value, "usd_bn", "s")

    fin = pd.DataFrame(
        [
            row("capex", 100),
            row("finance_leases", 10),
            row("buybacks", 20),
            row("operating_cash_flow", 90),
            row("debt_issued", 25),
            row("commercial_paper_net", 5),
        ],
        columns=["entity", "metric", "period", "fiscal_year_end", "value", "unit", "source_id"],
    )
    debt = pd.DataFrame(
        [
            (
                "v1",
                pd.Timestamp("2025-06-01"),
                "Co vehicle",
                "dc_vehicle",
                "project_finance",
                20.0,
                "USD",
                None,
                "",
                "d1",
                "Co",
            ),
            (
                "b1",
                pd.Timestamp("2025-03-01"),
                "Co",
                "hyperscaler",
                "ig_bond",
                99.0,
                "USD",
                None,
                "",
                "d2",
                "Co",
            ),
        ],
        columns=[
            "issue_id",
            "date",
            "issuer",
            "issuer_type",
            "instrument",
            "amount_usd_bn",
            "currency",
            "max_maturity_years",
            "note",
            "source_id",
            "sponsor",
        ],
    )
    f = funding(fin, debt, TOY.iloc[:0], companies=["Co"])
    r = f.table.iloc[0]
    assert r["gap"] == pytest.approx(40)
    assert r["bonds_and_loans"] == pytest.approx(30)  # the cash-flow line wins over the table
    assert r["outside_money"] == pytest.approx(50)
    assert r["gap_coverage"] == pytest.approx(1.25)
    assert r["external_share"] == pytest.approx(50 / 140)
    assert "1.2x the gap" in f.reading() or "1.3x the gap" in f.reading()


def test_cycles_agree_with_the_depth_first_enumeration() -> None:
    """networkx's simple cycles and the report's own depth-first enumeration find the same
    loops in the shipped deal graph."""
    from bubblewatch.frames import money_cycles

    g = financing.network(load_table("deals"))
    edges = financing.money_edges(g)
    mine = {frozenset(c.firms) for c in financing.cycles(g, max_length=5)}
    other = {
        frozenset(c)
        for c in money_cycles(zip(edges["payer"], edges["payee"], strict=True), max_length=5)
    }
    assert mine == other


def test_loans_are_owed_back_to_the_lenders() -> None:
    """A loan's money runs lender -> borrower; in the stress test the borrower owes the lender
    the amount over the default term (10 / 5 = 2 a year)."""
    loan = _deals(
        [
            (
                "l1",
                "2025-01-01",
                "Bank",
                "Neo",
                "debt",
                "Bank",
                "Neo",
                None,
                None,
                "loan",
                10.0,
                "headline",
                "binding",
                "s9",
                None,
            )
        ]
    )
    fin = pd.DataFrame(
        columns=["entity", "metric", "period", "fiscal_year_end", "value", "unit", "source_id"]
    )
    matrix, _ = stress.yearly_obligations(loan)
    assert matrix.loc["Neo", "Bank"] == pytest.approx(2.0) and matrix.loc["Bank", "Neo"] == 0.0
    r = stress.stress(loan, fin, {"Neo": 1.0})
    assert r.clearing.losses["Bank"] == pytest.approx(2.0)


def test_coverage_counts_only_companies_with_a_gap() -> None:
    """A has a gap of 10 and raised 5; B has no gap and raised 100: coverage is 5/10, not 10.5."""
    from bubblewatch.models.funding import funding

    def rows(co: str, capex: float, ocf: float, debt: float) -> list[tuple[object, ...]]:
        base = (co, "FY2025", "2025-12-31")
        return [
            (base[0], "capex", *base[1:], capex, "usd_bn", "s"),
            (base[0], "operating_cash_flow", *base[1:], ocf, "usd_bn", "s"),
            (base[0], "debt_issued", *base[1:], debt, "usd_bn", "s"),
            (base[0], "buybacks", *base[1:], 0.0, "usd_bn", "s"),
            (base[0], "dividends_paid", *base[1:], 0.0, "usd_bn", "s"),
        ]

    fin = pd.DataFrame(
        rows("A", 30, 20, 5) + rows("B", 10, 50, 100),
        columns=["entity", "metric", "period", "fiscal_year_end", "value", "unit", "source_id"],
    )
    debt = pd.DataFrame(
        columns=[
            "issue_id",
            "date",
            "issuer",
            "issuer_type",
            "instrument",
            "amount_usd_bn",
            "currency",
            "max_maturity_years",
            "note",
            "source_id",
            "sponsor",
        ]
    )
    f = funding(fin, debt, TOY.iloc[:0], companies=["A", "B"])
    assert f.coverage(2025) == pytest.approx((10.0, 5.0, 0.5))
    assert "covers only 50%" in f.reading()
