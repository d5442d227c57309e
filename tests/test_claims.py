"""The claims ledger: the verdict rule, every claim checked, missing evidence, ``--as-of``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubblewatch.claims import CHECKS, Figure, Finding, Verdict, grade, ledger
from bubblewatch.claims.as_of import known_as_of, period_end
from bubblewatch.claims.verdicts import across_methods, distance, inverse, worst
from bubblewatch.data import SHIPPED_TABLES, load_table
from bubblewatch.errors import DataError, SpecificationError

CLAIM_DATE = date(2025, 11, 15)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {n: load_table(n) for n in SHIPPED_TABLES}


@pytest.fixture(scope="module")
def book(tables: dict[str, pd.DataFrame]):  # type: ignore[no-untyped-def]
    return ledger(tables)


# --- the verdict rule, on hand-computed cases -------------------------------------------------


@pytest.mark.parametrize(
    ("claimed", "measured", "scale", "expected"),
    [
        (28.0, 27.39, None, Verdict.SUPPORTED),  # 2.2% off
        (28.0, 25.0, None, Verdict.ROUGHLY_RIGHT),  # 10.7% off
        (6.5, 5.7, None, Verdict.ROUGHLY_RIGHT),  # 12.3% off
        ((10.0, 20.0), 5.5, None, Verdict.OVERSTATED),  # 45% below the range's low end
        ((8.0, 12.0), 8.5, None, Verdict.SUPPORTED),  # inside the range
        (20.0, 26.0, None, Verdict.UNDERSTATED),  # 30% above
        (0.1, 0.13, 1.59, Verdict.SUPPORTED),  # 0.03 out of 1.59 growth: 1.9%
        (0.1, 0.51, 1.59, Verdict.UNDERSTATED),  # 0.41 out of 1.59: 25.8%
        (0.0, -0.12, 1.0, Verdict.ROUGHLY_RIGHT),  # a 12% fall against 'stable'
    ],
)
def test_grade_hand_computed(claimed, measured, scale, expected) -> None:  # type: ignore[no-untyped-def]
    assert grade(claimed, measured, scale=scale) is expected


def test_distance_is_signed_and_zero_inside_the_range() -> None:
    assert distance((8.0, 12.0), 10.0) == 0.0
    assert distance((8.0, 12.0), 6.0) == pytest.approx(-0.25)
    assert distance((8.0, 12.0), 15.0) == pytest.approx(0.25)


def test_impossible_grades_are_refused() -> None:
    with pytest.raises(SpecificationError):
        grade((5.0, 1.0), 3.0)
    with pytest.raises(SpecificationError):
        grade(0.0, 1.0)  # a zero claim needs a scale
    with pytest.raises(SpecificationError):
        grade(1.0, float("nan"))


@given(
    low=st.floats(0.1, 1e3),
    width=st.floats(0.0, 1e3),
    frac=st.floats(0.0, 1.0),
)
def test_inside_the_range_is_always_supported(low: float, width: float, frac: float) -> None:
    high = low + width
    assert grade((low, high), low + frac * width) is Verdict.SUPPORTED


@given(claimed=st.floats(0.1, 1e3), a=st.floats(0.0, 5.0), b=st.floats(0.0, 5.0))
def test_moving_away_from_the_claim_never_improves_the_verdict(
    claimed: float, a: float, b: float
) -> None:
    rank = {Verdict.SUPPORTED: 0, Verdict.ROUGHLY_RIGHT: 1, Verdict.UNDERSTATED: 2}
    near, far = sorted((a, b))
    assert rank[grade(claimed, claimed * (1 + near))] <= rank[grade(claimed, claimed * (1 + far))]


def test_combining_rules() -> None:
    s, r, o, u, c, n = (
        Verdict.SUPPORTED,
        Verdict.ROUGHLY_RIGHT,
        Verdict.OVERSTATED,
        Verdict.UNDERSTATED,
        Verdict.CONTRADICTED,
        Verdict.NOT_VERIFIABLE,
    )
    assert worst([s, r, n]) is r
    assert worst([s, o, u]) is o
    assert worst([n, n]) is n
    assert worst([s, c]) is c
    assert across_methods([s, u]) is r  # holds on one method, not the other
    assert across_methods([o, o]) is o
    assert across_methods([s, c]) is c
    assert inverse(u) is o and inverse(o) is u and inverse(s) is s


def test_no_verdict_without_evidence() -> None:
    with pytest.raises(DataError):
        Finding(Verdict.SUPPORTED, "because", (), CLAIM_DATE)
    with pytest.raises(DataError):
        Figure("unsourced", 1.0, "x", ())
    Finding(Verdict.NOT_VERIFIABLE, "no figure", (), CLAIM_DATE)


# --- as-of views of the store ------------------------------------------------------------------


def test_period_end() -> None:
    assert period_end("2025Q2") == pd.Timestamp("2025-06-30")
    assert period_end("2025H1") == pd.Timestamp("2025-06-30")
    assert period_end("2025") == pd.Timestamp("2025-12-31")
    assert period_end("1995-2000") == pd.Timestamp("2000-12-31")
    assert period_end("run-rate end-2023") is None


def test_known_as_of_drops_later_rows(tables: dict[str, pd.DataFrame]) -> None:
    then = known_as_of(tables, CLAIM_DATE)
    cutoff = pd.Timestamp(CLAIM_DATE)
    assert pd.to_datetime(then["market"]["date"]).max() <= cutoff
    assert pd.to_datetime(then["deals"]["date"]).max() <= cutoff
    assert pd.to_datetime(then["estimates"]["date"]).max() <= cutoff
    assert len(then["deals"]) < len(tables["deals"])
    ends = then["macro"]["period"].map(period_end).dropna()
    assert pd.to_datetime(ends).max() <= cutoff
    assert known_as_of(tables, None)["deals"] is tables["deals"]


# --- the registry and the shipped ledger -------------------------------------------------------


def test_every_claim_has_a_check(tables: dict[str, pd.DataFrame]) -> None:
    ids = set(tables["claims"]["claim_id"])
    assert ids == {f"C{i:02d}" for i in range(1, 36)}
    assert ids <= set(CHECKS)
    for check in CHECKS.values():
        assert check.would_verify


def test_every_verdict_is_backed_by_sourced_evidence(book, tables) -> None:  # type: ignore[no-untyped-def]
    known = set(tables["sources"]["source_id"])
    assert len(book.results) == 35
    for r in book.results:
        for finding in (r.then, r.now):
            if finding.verdict is not Verdict.NOT_VERIFIABLE:
                assert finding.evidence, r.claim.claim_id
                assert set(finding.source_ids) <= known, r.claim.claim_id
            else:
                assert "would take" in finding.reason, r.claim.claim_id
    assert sum(book.counts().values()) == 35


# The verdicts the shipped figures give, each worked by hand from the figures named.
EXPECTED = {
    "C01": Verdict.SUPPORTED,  # FedWatch 42.9% on 17 Nov 2025 vs 'one half': 7.1 points of 100
    "C02": Verdict.SUPPORTED,  # forward P/E 27.39 vs 28: 2.2% off
    "C04": Verdict.SUPPORTED,  # bitcoin -28%, gold -8% from October highs
    "C06": Verdict.SUPPORTED,  # premium $9.2m < $10m
    "C09": Verdict.SUPPORTED,  # 6, 6, 6 years set; latest lives 6, 6, 5: mean 5.67 (5.6% off 6)
    "C10": Verdict.ROUGHLY_RIGHT,  # latest mean 5.7 vs 6.5: 12.3% off
    "C11": Verdict.SUPPORTED,  # Vahdat: 8 years >= 7
    "C13": Verdict.OVERSTATED,  # smallest leg $40bn vs $100bn
    "C14": Verdict.SUPPORTED,  # NVIDIA equity (cash), AMD warrant (shares)
    "C19": Verdict.ROUGHLY_RIGHT,  # 0.13% on Furman's method, 0.51% on BEA's
    "C20": Verdict.ROUGHLY_RIGHT,  # growth 1.59 vs 2 (20.5% off); 1.06 and 1.12 pp vs 1
    "C21": Verdict.ROUGHLY_RIGHT,  # 24% vs 20% (20% off); first 20% quarter 2025Q1, not Q2
    "C23": Verdict.SUPPORTED,  # FCF negative in 10 of 11 years; WTI 2011-14 mean 95.1
    "C24": Verdict.ROUGHLY_RIGHT,  # wellhead fell 56% (vs 60-70%); new wells $50 (vs 30-40)
    "C25": Verdict.SUPPORTED,  # 80% outside
    "C26": Verdict.SUPPORTED,  # $1,400bn stated
    "C27": Verdict.SUPPORTED,  # forecasts 2.9, 5.0, 5.2, 7.0: median 5.1 inside 5-7
    "C28": Verdict.SUPPORTED,  # Altman's $100bn for 2027
    "C29": Verdict.SUPPORTED,  # $189.93 on 14 Nov 2025
    "C32": Verdict.SUPPORTED,  # 2025 builds 6-11.3 GW, median 8.5 inside 8-12
    "C33": Verdict.OVERSTATED,  # median gap 5.5 GW a year and 28 GW by 2030
}


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_shipped_verdicts(book, claim_id: str) -> None:  # type: ignore[no-untyped-def]
    assert book.result(claim_id).verdict is EXPECTED[claim_id]


@pytest.mark.parametrize("claim_id", ["C05", "C07", "C08", "C18", "C30", "C31", "C34", "C35"])
def test_qualitative_claims_are_not_verifiable_and_say_what_would(book, claim_id: str) -> None:  # type: ignore[no-untyped-def]
    r = book.result(claim_id)
    assert r.verdict is Verdict.NOT_VERIFIABLE
    assert r.would_verify in r.now.reason


# --- checks on small fixed data: the verdict follows the figures ------------------------------


def _with(tables: dict[str, pd.DataFrame], name: str, frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    return {**tables, name: frame}


def test_forward_pe_check_follows_the_figures(tables: dict[str, pd.DataFrame]) -> None:
    market = tables["market"]
    other = market.loc[market["series"] != "NDX"]
    src = "val_bloomberg_ndx_2022"
    rows = pd.DataFrame(
        {
            "series": "NDX",
            "field": "forward_pe",
            "date": pd.to_datetime(["2021-11-19", "2025-10-24"]).date,
            "value": [30.0, 20.0],
            "unit": "x",
            "source_id": src,
        }
    )
    low = ledger(_with(tables, "market", pd.concat([other, rows], ignore_index=True)))
    assert low.result("C02").verdict is Verdict.OVERSTATED  # 20x against 28x
    rows["value"] = [30.0, 28.5]
    near = ledger(_with(tables, "market", pd.concat([other, rows], ignore_index=True)))
    assert near.result("C02").verdict is Verdict.SUPPORTED


def test_power_build_check_follows_the_figures(tables: dict[str, pd.DataFrame]) -> None:
    power = tables["power"].copy()
    added = power["metric"].eq("capacity_added") & power["year"].astype(str).eq("2025")
    assert added.any()
    power.loc[added, "value"] = 4.0
    power.loc[added, ["value_low", "value_high"]] = float("nan")
    book = ledger(_with(tables, "power", power))
    assert book.result("C32").verdict is Verdict.OVERSTATED  # 4 GW against 8-12


def test_missing_evidence_gives_not_verifiable(tables: dict[str, pd.DataFrame]) -> None:
    est = tables["estimates"]
    market = tables["market"]
    stripped = {
        **tables,
        "estimates": est.loc[~est["estimate_id"].isin(["hyperion_outside_ownership"])],
        "market": market.loc[market["series"] != "NDX"],
        "useful_lives": tables["useful_lives"].iloc[0:0],
    }
    book = ledger(stripped)
    for claim_id in ("C02", "C09", "C10", "C25"):
        r = book.result(claim_id)
        assert r.verdict is Verdict.NOT_VERIFIABLE, claim_id
        assert not r.now.evidence
        assert "would take" in r.now.reason


def test_rents_come_from_the_depreciation_result_on_the_store_as_known(
    tables: dict[str, pd.DataFrame],
) -> None:
    """C12 grades the rent trend of the ``depreciation`` result; as of the claim's date the store
    has no 2026 capex guidance, so that result leaves the critics' part out and still has it."""
    from bubblewatch.arguments import Session

    session = Session(tables)
    then = session.as_of(CLAIM_DATE).result("depreciation")
    assert then.detail.critics is None and "capex guidance" in then.detail.absent
    assert then.figure("Model, servers living 3 years").is_missing
    assert "critics'" not in then.reading
    now = session.result("depreciation")
    assert now.detail.critics is not None and not now.detail.absent
    c12 = ledger(session).result("C12")
    assert c12.then.evidence[0].value == pytest.approx(then.detail.trend.yearly_change)
    assert c12.then.evidence[0].value == pytest.approx(then.figure("H100 on-demand rent").value)
    # once on the whole store, once as known on the claim's date, once as known on the latest
    # date: the ledger's two checks of C12 reused the results (sessions share their counts)
    assert session.as_of(CLAIM_DATE).evaluations["depreciation"] == 3


def test_as_of_changes_the_figures_used(tables: dict[str, pd.DataFrame]) -> None:
    then = ledger(tables, CLAIM_DATE)
    now = ledger(tables, date(2026, 8, 3))
    # the cut odds: 13 November's reading then, 17 November's now
    assert then.result("C01").now.evidence[0].value == pytest.approx(49.4)
    assert now.result("C01").now.evidence[0].value == pytest.approx(42.9)
    # the bitcoin and gold prices were published after the claim's date
    assert then.result("C04").verdict is Verdict.NOT_VERIFIABLE
    assert now.result("C04").verdict is Verdict.SUPPORTED
    # NVIDIA's February 2026 $30bn adds to the loop's first leg
    assert then.result("C13").now.evidence[0].value == pytest.approx(100.1)  # 0.1 in 2024
    assert now.result("C13").now.evidence[0].value == pytest.approx(130.1)
    # each claim is also judged as of its own date, whatever --as-of says
    assert now.result("C04").then.verdict is Verdict.NOT_VERIFIABLE


def test_as_of_before_the_claims_is_refused(tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(SpecificationError):
        ledger(tables, date(2020, 1, 1))


def test_a_claim_without_a_check_is_an_error(tables: dict[str, pd.DataFrame]) -> None:
    extra = tables["claims"].iloc[[0]].assign(claim_id="C99")
    with pytest.raises(DataError):
        ledger(_with(tables, "claims", pd.concat([tables["claims"], extra])))


def test_the_claims_chart_meets_the_chart_standard(shipped_assessment) -> None:  # type: ignore[no-untyped-def]
    """The verdicts chart stands alone, and its title counts the claims that hold."""
    from bubblewatch.charts import chart_problems

    section = shipped_assessment.section("claims")
    fig = section.figure
    assert chart_problems(fig) == []
    counts = section.detail.counts()
    held = counts[Verdict.SUPPORTED] + counts[Verdict.ROUGHLY_RIGHT]
    tested = len(section.detail.results) - counts[Verdict.NOT_VERIFIABLE]
    assert fig.layout.title.text.startswith(f"{held} of the {tested} testable claims")
    assert sum(sum(t.x) for t in fig.data) == len(section.detail.results)
