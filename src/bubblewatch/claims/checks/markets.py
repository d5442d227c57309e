"""Checks of the market claims (C01–C06, C29): valuations, earnings, prices."""

from __future__ import annotations

import pandas as pd

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
from bubblewatch.claims.verdicts import Verdict, across_methods, grade, worst
from bubblewatch.frames import hyperscaler_years, market_series
from bubblewatch.universe import HYPERSCALERS


def _series(t: Tables, series: str, field: str) -> tuple[pd.Series, str]:
    rows = t["market"].loc[(t["market"]["series"] == series) & (t["market"]["field"] == field)]
    return market_series(need(rows, f"{series} {field}"), series, field)


@check("C01", "CME FedWatch probabilities of a December 2025 cut around the claim's date")
def fed_cut_odds(session: Session, claim: Claim) -> Answer:
    t = session.tables
    est = t["estimates"]
    rows = need(est.loc[est["metric"] == "fed_cut_probability"], "December 2025 cut odds")
    row = rows.sort_values("date").iloc[-1]
    odds = claimed(claim, "pct")[0]
    fig = Figure(
        "Market odds of a December 2025 cut (CME FedWatch)",
        float(row["value"]),
        "pct",
        (str(row["source_id"]),),
        period=f"{pd.Timestamp(row['date']):%Y-%m-%d}",
    )
    return Answer(
        grade(odds.value, float(row["value"]), scale=100.0),
        f"Futures priced a {row['value']:.0f}% chance of a December cut on "
        f"{pd.Timestamp(row['date']).day} {pd.Timestamp(row['date']):%B %Y}, against 'about one half'; the crowded-positioning "
        "half of the claim has no public figure here.",
        (fig,),
    )


@check("C02", "the Nasdaq-100's forward P/E on the claim's date and at its 2021 peak")
def nasdaq_valuation(session: Session, claim: Claim) -> Answer:
    t = session.tables
    pe, _ = _series(t, "NDX", "forward_pe")
    rows = t["market"].loc[
        (t["market"]["series"] == "NDX") & (t["market"]["field"] == "forward_pe")
    ]
    src = dict(zip(pd.DatetimeIndex(rows["date"]), rows["source_id"].astype(str), strict=True))
    peak_2021 = pe.loc[pe.index.year == 2021]
    recent = pe.loc[pe.index.year >= 2025]
    if peak_2021.empty or recent.empty:
        raise MissingEvidenceError("no Nasdaq-100 forward P/E for 2021 and for 2025 on")
    high = float(recent.max())
    high_date = recent.idxmax()
    then = float(peak_2021.max())
    evidence: tuple[Figure, ...] = (
        Figure(
            "Nasdaq-100 forward P/E, highest reading from 2025",
            high,
            "x",
            (src[high_date],),
            period=f"{high_date:%Y-%m-%d}",
        ),
        Figure(
            "Nasdaq-100 forward P/E at its 2021 peak",
            then,
            "x",
            (src[peak_2021.idxmax()],),
            period=f"{peak_2021.idxmax():%Y-%m-%d}",
        ),
    )
    stated = claimed(claim, "x")
    if len(stated) < 2:
        raise MissingEvidenceError(f"claim {claim.claim_id} states no peak and current P/E")
    peak_claim, now_claim = stated[0], stated[-1]
    parts = [grade(peak_claim.value, high), grade(then, high)]
    latest = pe.index.max()
    tail = ""
    if latest > high_date:
        parts.append(grade(now_claim.value, float(pe.iloc[-1])))
        evidence += (
            Figure(
                "Nasdaq-100 forward P/E, latest reading",
                float(pe.iloc[-1]),
                "x",
                (src[latest],),
                period=f"{latest:%Y-%m-%d}",
            ),
        )
    else:
        tail = f"; no later reading tests the fall to ~{now_claim.value:g}x"
    verdict = worst(parts)
    return Answer(
        verdict,
        f"The forward P/E reached {high:.1f}x ({high_date:%b %Y}), {high / then:.0%} of its "
        f"2021 peak of {then:.0f}x{tail}.",
        evidence,
    )


@check("C03", "Nasdaq-100 constituents' aggregate earnings growth (index EPS, y/y)")
def earnings_growth(session: Session, claim: Claim) -> Answer:
    t = session.tables
    earnings, src = _series(t, "SP500", "earnings")
    if len(earnings) < 13:
        raise MissingEvidenceError("fewer than 13 months of S&P 500 earnings")
    last = earnings.index[-1]
    prior = earnings.loc[: last - pd.DateOffset(months=12)]
    sp = float(earnings.iloc[-1] / prior.iloc[-1] - 1.0) * 100.0
    evidence = [
        Figure(
            "S&P 500 trailing earnings, growth over 12 months",
            sp,
            "pct",
            (src,),
            period=f"{prior.index[-1]:%Y-%m} to {last:%Y-%m}",
            note="S&P 500 trailing earnings (Shiller)",
        )
    ]
    growth_claim = claimed(claim, "pct")[0]
    methods = [grade(growth_claim.value, sp)]
    panel, yearly = hyperscaler_years(t["financials"], ["net_income"])
    if len(yearly) >= 2:
        a, b = yearly.index[-2], yearly.index[-1]
        growth = float(yearly.loc[b, "net_income"] / yearly.loc[a, "net_income"] - 1.0) * 100.0
        ids = tuple(dict.fromkeys(panel.loc[panel["period"].isin([a, b]), "src_net_income"]))
        evidence.append(
            Figure(
                f"Net income of {', '.join(HYPERSCALERS)}, growth",
                growth,
                "pct",
                ids,
                period=f"{a} to {b}",
                note="the five hyperscalers' net income",
            )
        )
        methods.append(grade(growth_claim.value, growth))
    verdict = across_methods(methods)
    return Answer(
        verdict,
        "No Nasdaq-100 earnings series is public here; as proxies, "
        + " and ".join(f"{f.note or f.label} grew {f.value:.0f}% ({f.period})" for f in evidence)
        + f", against the claimed ~{growth_claim.value:g}%.",
        tuple(evidence),
    )


@check("C04", "daily bitcoin and gold prices (and futures open interest) for October-November 2025")
def deleveraging(session: Session, claim: Claim) -> Answer:
    t = session.tables
    evidence, falls = [], {}
    for asset, high_id, low_id in (
        ("Bitcoin", "bitcoin_record_2025", "bitcoin_price_20251118"),
        ("Gold", "gold_record_2025", "gold_price_20251117"),
    ):
        high = estimate_figure(t, high_id, f"{asset}, October 2025 high")
        low = estimate_figure(t, low_id, f"{asset}, mid-November 2025")
        falls[asset] = float(low.value) / float(high.value) - 1.0
        evidence += [high, low]
    both = all(f < 0 for f in falls.values())
    return Answer(
        Verdict.SUPPORTED if both else Verdict.CONTRADICTED,
        f"Bitcoin was {abs(falls['Bitcoin']):.0%} and gold {abs(falls['Gold']):.0%} below their "
        "October highs in mid-November, alongside tech; positioning data would show the "
        "deleveraging itself.",
        tuple(evidence),
    )


qualitative(
    "C05",
    "a dated news-sentiment index set against returns (does sentiment follow or lead prices?)",
)


@check("C06", "Scion's 13F put positions and the premium paid for them")
def burry_puts(session: Session, claim: Claim) -> Answer:
    t = session.tables
    paid = estimate_figure(
        t, "burry_pltr_put_premium", "Premium Burry says he paid for Palantir puts"
    )
    notional = estimate_figure(
        t, "scion_pltr_put_notional_13f", "Notional value of the Palantir puts in Scion's 13F"
    )
    bound = claimed(claim, "usd_m")[0]
    verdict = Verdict.SUPPORTED if float(paid.value) < bound.high else Verdict.CONTRADICTED
    return Answer(
        verdict,
        f"Burry put the premium at ${float(paid.value):.1f}m, under ${bound.high:g}m, while the 13F "
        f"listed the puts at ${float(notional.value):,.0f}m of notional value: the headline figure "
        "was the notional.",
        (paid, notional),
    )


@check("C29", "NVIDIA's closing price on the claim's date")
def nvidia_price(session: Session, claim: Claim) -> Answer:
    t = session.tables
    prices, src = _series(t, "NVDA", "daily_adj_close")
    on = prices.loc[: pd.Timestamp(claim.date)]
    need(on.to_frame(), "NVIDIA price on or before the claim's date")
    price = float(on.iloc[-1])
    evidence = [
        Figure(
            "NVIDIA adjusted close, last trading day before the claim",
            price,
            "usd_per_share",
            (src,),
            period=f"{on.index[-1]:%Y-%m-%d}",
        )
    ]
    if prices.index[-1] > on.index[-1]:
        evidence.append(
            Figure(
                "NVIDIA adjusted close, latest",
                float(prices.iloc[-1]),
                "usd_per_share",
                (src,),
                period=f"{prices.index[-1]:%Y-%m-%d}",
            )
        )
    return Answer(
        grade(claimed(claim, "usd")[0].value, price),
        f"NVIDIA closed at ${price:,.2f} on {on.index[-1].day} {on.index[-1]:%B %Y}; whether that price 'has not "
        "priced in' the $1.4tn story is a judgement no figure settles.",
        tuple(evidence),
    )
