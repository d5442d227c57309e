"""Checks of the platform claims: useful lives and GPU rents (C09–C12), the deal loop and its
funding (C13–C18, C25, C27)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.arguments.circularity import CircularityView
from bubblewatch.arguments.credit import CreditView
from bubblewatch.arguments.funding import FundingView
from bubblewatch.arguments.session import Session
from bubblewatch.claims.claimed import claimed
from bubblewatch.claims.findings import Figure, MissingEvidenceError
from bubblewatch.claims.registry import (
    Answer,
    Claim,
    Tables,
    check,
    estimate_figure,
    need,
    qualitative,
)
from bubblewatch.claims.verdicts import Verdict, grade, worst
from bubblewatch.models.debt import InstrumentMix
from bubblewatch.models.gpu.defaults import CHIP
from bubblewatch.models.gpu.prices import PriceTrend
from bubblewatch.universe import HYPERSCALERS

SERVER_PLATFORMS = HYPERSCALERS


def _server_changes(t: Tables, companies: tuple[str, ...]) -> pd.DataFrame:
    lives = t["useful_lives"]
    rows = lives.loc[
        lives["company"].isin(companies)
        & lives["asset_class"].str.contains("server", case=False)
        & ~lives["asset_class"].str.contains("anticipated", case=False)
    ].copy()
    rows["effective_date"] = pd.to_datetime(rows["effective_date"])
    return need(rows.sort_values("effective_date"), "server useful-life changes")


def _lives(t: Tables, companies: tuple[str, ...]) -> pd.DataFrame:
    """Per company: earliest old life, latest new life, its date and the sources."""
    rows = _server_changes(t, companies)
    out = rows.groupby("company").agg(
        first_life=("old_years", "first"),
        latest_life=("new_years", "last"),
        latest_date=("effective_date", "last"),
        longest=("new_years", "max"),
    )
    longest_rows = rows.loc[rows["new_years"] == rows["company"].map(out["longest"])]
    out["before_longest"] = longest_rows.groupby("company")["old_years"].first()
    out["sources"] = rows.groupby("company")["source_id"].agg(lambda s: tuple(dict.fromkeys(s)))
    return out


@check("C09", "the useful lives of servers in Microsoft's, Alphabet's and Amazon's 10-Ks")
def three_platform_lives(session: Session, claim: Claim) -> Answer:
    t = session.tables
    lives = _lives(t, ("Microsoft", "Alphabet", "Amazon"))
    if len(lives) < 3:
        raise MissingEvidenceError("server lives for all of Microsoft, Alphabet and Amazon")
    evidence = tuple(
        Figure(
            f"{name}: server life, longest set / latest",
            f"{r.longest:g} / {r.latest_life:g} years",
            "text",
            r.sources,
            period=f"latest change {r.latest_date:%Y-%m-%d}",
        )
        for name, r in lives.iterrows()
    )
    target = claimed(claim, "years")[0].value
    parts = [grade(target, float(r.longest)) for r in lives.itertuples()]
    parts.append(grade(target, float(lives["latest_life"].mean())))
    shortened = [n for n, r in lives.iterrows() if r.latest_life < r.longest]
    tail = f"; {', '.join(shortened)} has since shortened part of it" if shortened else ""
    return Answer(
        worst(parts),
        "All three moved servers to six years (from "
        + ", ".join(f"{n} {r.before_longest:g}" for n, r in lives.iterrows())
        + f"){tail}.",
        evidence,
    )


@check("C10", "server and GPU useful lives of every large platform, from their filings")
def platform_average_life(session: Session, claim: Claim) -> Answer:
    t = session.tables
    lives = _lives(t, SERVER_PLATFORMS)
    latest = float(lives["latest_life"].mean())
    first = float(lives["first_life"].mean())
    added = float((lives["latest_life"] - lives["first_life"]).mean())
    ids = tuple(dict.fromkeys(s for ss in lives["sources"] for s in ss))
    evidence = (
        Figure(
            f"Average server life now, {len(lives)} platforms",
            latest,
            "years",
            ids,
            note=", ".join(f"{n} {v:g}" for n, v in lives["latest_life"].items()),
        ),
        Figure("Average server life before the extensions", first, "years", ids),
        Figure("Average years added", added, "years", ids),
    )
    before, after, years_added = claimed(claim)[:3]
    verdict = worst(
        [
            grade(after.target, latest),
            grade(before.target, first),
            grade(years_added.target, added),
        ]
    )
    return Answer(
        verdict,
        f"Across {len(lives)} platforms servers now average {latest:.1f} years, up {added:.1f} "
        f"from {first:.1f}: the added years match, the {after.value:g}-year average does not.",
        evidence,
    )


@check("C11", "Google's statement on its TPUs' age and utilisation; fleet-mix disclosures")
def old_tpus(session: Session, claim: Claim) -> Answer:
    t = session.tables
    fig = estimate_figure(t, "vahdat_2025_tpu_age", "Oldest TPU generation still fully used")
    age = claimed(claim, "years")[0].value
    verdict = Verdict.SUPPORTED if float(fig.value) >= age else Verdict.OVERSTATED
    return Answer(
        verdict,
        f"Google's infrastructure head put its oldest fully used TPUs at {fig.value:g} years; the "
        "one-third fleet split has no public figure.",
        (fig,),
    )


@check("C12", "dated H100 on-demand rental quotes")
def h100_rents(session: Session, claim: Claim) -> Answer:
    t = session.tables
    accel = t["accelerators"]
    quotes = accel.loc[(accel["item"] == CHIP) & (accel["metric"] == "rental_usd_per_gpu_hour")]
    if len(quotes) < 3 or quotes["date"].nunique() < 2:
        raise MissingEvidenceError(f"fewer than three dated {CHIP} rental quotes")
    fitted: PriceTrend = session.result("depreciation").detail.trend
    change = fitted.yearly_change
    evidence = (
        Figure(
            f"H100 on-demand rent, log-linear trend of {fitted.quotes} quotes",
            change,
            "share",
            fitted.source_ids,
            period=f"{fitted.first:%Y-%m} to {fitted.last:%Y-%m}",
            note="yearly change",
        ),
        Figure(
            "H100 rent on the trend at the last quote",
            fitted.price_at(fitted.last),
            "usd_per_gpu_hour",
            fitted.source_ids,
            period=f"{fitted.last:%Y-%m-%d}",
        ),
    )
    verdict = grade(0.0, change, scale=1.0)
    if change < 0 and verdict is not Verdict.SUPPORTED and verdict is not Verdict.ROUGHLY_RIGHT:
        verdict = Verdict.CONTRADICTED
    return Answer(
        verdict,
        f"Quoted H100 rents moved {change:+.0%} a year on trend from {fitted.first:%b %Y} to "
        f"{fitted.last:%b %Y}; 'stable' allows 10% a year either way.",
        evidence,
    )


def _circularity(session: Session) -> CircularityView:
    """The ``circularity`` argument's network, or :class:`MissingEvidenceError` when the store
    (as of the date asked) holds no deal that moves money."""
    deals = session.tables["deals"]
    need(
        deals.loc[deals["money_from"].notna() & deals["money_to"].notna()], "deals that move money"
    )
    view: CircularityView = session.result("circularity").detail
    return view


@check("C13", "the deal table's legs NVIDIA→OpenAI, OpenAI→Oracle, Oracle→NVIDIA")
def debt_circle(session: Session, claim: Claim) -> Answer:
    t = session.tables
    deals = t["deals"]
    loop = _circularity(session).loop
    if loop is None:
        raise MissingEvidenceError("a closed NVIDIA-OpenAI-Oracle money loop in the deals")
    legs = tuple(
        Figure(
            f"{a} → {b}",
            amount,
            "usd_bn",
            tuple(deals.loc[deals["deal_id"].isin(list(ids)), "source_id"].astype(str)),
            note=", ".join(ids),
        )
        for a, b, amount, ids in zip(
            loop.firms, (*loop.firms[1:], loop.firms[0]), loop.amounts, loop.deal_ids, strict=True
        )
    )
    amd = deals.loc[(deals["party_a"] == "AMD") & (deals["type"] == "warrant")]
    evidence = (
        *legs,
        Figure(
            "Money that can go round the loop (its smallest leg)",
            loop.bottleneck,
            "usd_bn",
            loop.source_ids,
        ),
    )
    if not amd.empty:
        evidence += (
            Figure(
                "AMD warrant for OpenAI", "recorded", "text", tuple(amd["source_id"].astype(str))
            ),
        )
    round_trip = min(q.value for q in claimed(claim, "usd_bn"))
    return Answer(
        grade(round_trip, loop.bottleneck),
        f"The loop is in the deals, but its legs are {', '.join(f'${a:,.0f}bn' for a in loop.amounts)}: "
        f"at most ${loop.bottleneck:,.0f}bn can go round it, not ${round_trip:,.0f}bn.",
        evidence,
    )


@check("C14", "the form of payment in each deal of the loop (cash equity, shares, warrants)")
def binding_allies(session: Session, claim: Claim) -> Answer:
    t = session.tables
    deals = t["deals"]
    cash = deals.loc[
        (deals["party_a"] == "NVIDIA")
        & (deals["party_b"] == "OpenAI")
        & (deals["type"] == "equity")
    ]
    shares = deals.loc[(deals["party_a"] == "AMD") & (deals["type"] == "warrant")]
    need(cash, "NVIDIA equity investment in OpenAI")
    need(shares, "AMD warrant to OpenAI")
    return Answer(
        Verdict.SUPPORTED,
        "NVIDIA's stake in OpenAI is an equity investment paid in cash and AMD's is a warrant over "
        "its own shares, as claimed; whether OpenAI can sell its tokens is the open question.",
        (
            Figure(
                "NVIDIA → OpenAI, equity (cash)",
                float(cash["amount_usd_bn"].max()),
                "usd_bn",
                tuple(cash["source_id"].astype(str)),
            ),
            Figure(
                "AMD → OpenAI, warrant (shares)",
                "warrant",
                "text",
                tuple(shares["source_id"].astype(str)),
            ),
        ),
    )


@check("C15", "hyperscalers' operating cash flow against capex, and outside money raised")
def outside_money(session: Session, claim: Claim) -> Answer:
    t = session.tables
    fin = t["financials"]
    need(
        fin.loc[
            fin["entity"].isin(HYPERSCALERS)
            & fin["metric"].isin(["capex", "operating_cash_flow"])
            & fin["period"].astype(str).str.fullmatch(r"FY\d{4}")
        ],
        "hyperscalers' fiscal-year capex or operating cash flow",
    )
    view: FundingView = session.result("funding").detail
    result = view.funding
    eco = result.ecosystem
    if eco.empty:
        raise MissingEvidenceError("outside money raised by AI issuers")
    year = int(eco.index.max())
    raised = float(eco.loc[year, "outside_money"])
    debt = t["debt"]
    meta = debt.loc[debt["issue_id"] == "meta_2025_10_notes"]
    evidence = [
        Figure(f"Outside money raised by AI issuers, {year}", raised, "usd_bn", result.source_ids),
    ]
    if not meta.empty:
        evidence.append(
            Figure(
                "Meta's October 2025 bond",
                float(meta["amount_usd_bn"].iloc[0]),
                "usd_bn",
                tuple(meta["source_id"].astype(str)),
                note=str(meta["note"].iloc[0]),
            )
        )
    return Answer(
        Verdict.SUPPORTED if raised > 0 else Verdict.CONTRADICTED,
        f"AI issuers raised ${raised:,.0f}bn from outside investors in {year}: outside money had "
        "not stopped, so by the claim's own test no closed loop is needed.",
        tuple(evidence),
    )


def _instrument_mix(session: Session) -> InstrumentMix:
    """The ``credit`` argument's instrument mix, or :class:`MissingEvidenceError` when the debt
    of hyperscalers or of other AI issuers is not in the store (as of the date asked)."""
    debt = need(session.tables["debt"], "AI-related debt issues")
    hyperscaler = debt["issuer_type"] == "hyperscaler"
    if not hyperscaler.any() or hyperscaler.all():
        raise MissingEvidenceError("debt of both hyperscalers and other AI issuers")
    view: CreditView = session.result("credit").detail
    if view.mix is None:
        raise MissingEvidenceError("debt of both hyperscalers and other AI issuers")
    return view.mix


@check("C16", "covenants and spreads of AI-related bonds and private loans")
def ig_standard(session: Session, claim: Claim) -> Answer:
    mix = _instrument_mix(session)
    ig, private = mix.hyperscaler_ig_share, mix.other_risky_share
    hyper_ids, other_ids = mix.hyperscaler_sources, mix.other_sources
    evidence = (
        Figure("Hyperscaler AI-era debt that is investment-grade bonds", ig, "share", hyper_ids),
        Figure(
            "Other AI issuers' debt in private credit, project finance, loans or high yield",
            private,
            "share",
            other_ids,
        ),
    )
    verdict = Verdict.SUPPORTED if ig >= 0.9 and private >= 0.5 else Verdict.ROUGHLY_RIGHT
    return Answer(
        verdict,
        f"{ig:.0%} of the hyperscalers' recorded debt is plain investment-grade bonds, while "
        f"{private:.0%} of neoclouds', labs' and vehicles' is private credit, project finance, loans "
        "or high yield: the risk sits outside the IG market, as claimed.",
        evidence,
    )


@check("C17", "hyperscaler contracts with neoclouds and the neoclouds' debt")
def neoclouds(session: Session, claim: Claim) -> Answer:
    t = session.tables
    deals, debt = t["deals"], t["debt"]
    neo = set(debt.loc[debt["issuer_type"] == "neocloud", "issuer"].str.split(" ").str[0])
    neo |= {"CoreWeave", "Nebius", "IREN"}
    hyper = deals.loc[
        deals["money_from"].isin(SERVER_PLATFORMS)
        & deals["money_to"].isin(neo)
        & (deals["type"] == "compute_contract")
    ]
    need(hyper, "hyperscaler compute contracts with neoclouds")
    neo_debt = debt.loc[debt["issuer_type"] == "neocloud"]
    need(neo_debt, "neocloud debt")
    ig = neo_debt["instrument"].eq("ig_bond")
    return Answer(
        Verdict.SUPPORTED if not ig.any() else Verdict.ROUGHLY_RIGHT,
        f"Hyperscalers signed ${hyper['amount_usd_bn'].sum():,.0f}bn of compute contracts with "
        f"neoclouds, which carry ${neo_debt['amount_usd_bn'].sum():,.0f}bn of debt, none of it "
        "investment-grade bonds: the neoclouds hold the assets and the leverage.",
        (
            Figure(
                "Hyperscaler compute contracts with neoclouds",
                float(hyper["amount_usd_bn"].sum()),
                "usd_bn",
                tuple(dict.fromkeys(hyper["source_id"])),
            ),
            Figure(
                "Neocloud debt recorded",
                float(neo_debt["amount_usd_bn"].sum()),
                "usd_bn",
                tuple(dict.fromkeys(neo_debt["source_id"])),
            ),
        ),
    )


qualitative(
    "C18",
    "Oracle's 5-year CDS spread, daily, against the CDX IG index and the equity market, 2025-26",
)


@check("C25", "the Hyperion joint venture's ownership split")
def hyperion_split(session: Session, claim: Claim) -> Answer:
    t = session.tables
    fig = estimate_figure(t, "hyperion_outside_ownership", "Hyperion JV owned by outside funds")
    outside = next(
        (q for q in claimed(claim, "pct") if "outside" in q.text),
        None,
    )
    if outside is None:
        raise MissingEvidenceError(f"claim {claim.claim_id} states no outside investors' share")
    return Answer(
        grade(outside.value, float(fig.value)),
        f"Meta's release puts outside funds at {fig.value:g}% of the Hyperion venture and Meta at "
        f"{100 - float(fig.value):g}%.",
        (fig,),
    )


@check("C27", "published forecasts of cumulative AI data-centre capex to 2030")
def ai_capex(session: Session, claim: Claim) -> Answer:
    t = session.tables
    est = t["estimates"]
    rows = need(est.loc[est["metric"] == "ai_capex_cumulative"], "forecasts of cumulative AI capex")
    values = rows["value"].to_numpy(dtype=float) / 1000.0
    evidence = tuple(
        Figure(
            f"{r.author}: AI capex, {r.period}",
            float(r.value) / 1000.0,
            "usd_tn",
            (str(r.source_id),),
            period=str(r.period),
            note=str(r.subject),
        )
        for r in rows.itertuples()
    )
    median = float(np.median(values))
    stated = claimed(claim, "usd_tn")[0]
    return Answer(
        grade(stated.target, median),
        f"{len(values)} sourced forecasts run ${values.min():.1f}-{values.max():.1f}tn (median "
        f"${median:.1f}tn) against the claimed "
        + (f"${stated.low:g}-{stated.high:g}tn." if stated.is_range else f"${stated.value:g}tn."),
        evidence,
    )


qualitative(
    "C07",
    "ChatGPT's daily active users by month (OpenAI disclosures or panel data such as Similarweb)",
)
qualitative(
    "C08",
    "contract-level list and paid prices of AI start-ups and their renewal rates after 6-12 months",
)
qualitative(
    "C30",
    "accelerator market shares and gross margins along the chain (NVIDIA against clouds and labs)",
)
