"""Contagion on a network of obligations: Eisenberg-Noe clearing and DebtRank.

*Clearing* (Eisenberg & Noe 2001, "Systemic Risk in Financial Systems", Management Science
47(2), 236-249). Firm :math:`i` owes :math:`L_{ij}` to :math:`j`, in all
:math:`\\bar p_i = \\sum_j L_{ij}`, and holds outside assets :math:`e_i \\ge 0`. With relative
liabilities :math:`\\Pi_{ij} = L_{ij}/\\bar p_i`, a clearing vector solves

.. math:: p_i = \\min\\Big(\\bar p_i, \\; e_i + \\sum_j \\Pi_{ji} p_j\\Big)

(limited liability and proportional priority); the greatest one is found by the paper's
*fictitious default* algorithm: assume every firm pays in full, find who cannot, solve the
linear system for those firms' payments, and repeat until the set of defaulters stops
growing (at most :math:`n` rounds; the round is the order of default). A shock that makes
firm :math:`i` pay only a share :math:`1 - s_i` of what it owes caps its payments at
:math:`(1 - s_i)\\bar p_i`, all creditors sharing the shortfall pro rata.

*DebtRank* (Battiston, Puliga, Kaushik, Tasca & Caldarelli 2012, "DebtRank: Too Central to Fail?",
Scientific Reports 2, 541). With :math:`A_{ij}` the claim of :math:`i` on :math:`j` and
:math:`E_i` the equity of :math:`i`, the impact of :math:`j`'s distress on :math:`i` is
:math:`W_{ij} = \\min(1, A_{ij}/E_i)`. Distress :math:`h_i \\in [0, 1]` starts at the shock and
the shocked firms are *distressed*; each round every firm gains
:math:`h_i \\leftarrow \\min\\big(1, h_i + \\sum_{j \\text{ distressed}} W_{ij} h_j\\big)`, the
distressed firms become *inactive* (each passes its distress on once), and undistressed firms
with :math:`h_i > 0` become distressed (the paper's equations 2-3). DebtRank is the value-weighted distress added by the propagation,
:math:`R = \\sum_i h_i^{\\infty} v_i - \\sum_i h_i^{0} v_i`.

``_clearing_reference`` and ``_debtrank_reference`` are slow, obvious twins (Picard iteration
from full payment; node-by-node loops) that the tests compare with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import SpecificationError

_TOL = 1e-12


def _check_square(liabilities: pd.DataFrame) -> None:
    if list(liabilities.index) != list(liabilities.columns):
        raise SpecificationError("the liabilities matrix needs the same firms as rows and columns")
    values = liabilities.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise SpecificationError("liabilities must be finite and non-negative")
    if np.any(np.diag(values) != 0):
        raise SpecificationError("a firm cannot owe itself")


def _shares(shocks: Mapping[str, float], names: list[str]) -> np.ndarray:
    s = np.zeros(len(names))
    for name, value in shocks.items():
        if name not in names:
            known = ", ".join(names)
            raise SpecificationError(f"unknown firm {name!r} in the shock; firms: {known}")
        if not 0.0 <= float(value) <= 1.0:
            raise SpecificationError(f"shock for {name!r} must be between 0 and 1")
        s[names.index(name)] = float(value)
    return s


@dataclass(frozen=True)
class Clearing:
    """Clearing payments, shortfalls, creditors' losses and the order of default."""

    firms: tuple[str, ...]
    obligations: pd.Series
    payments: pd.Series
    losses: pd.Series
    default_round: pd.Series
    shocks: Mapping[str, float]

    @property
    def shortfall(self) -> pd.Series:
        return self.obligations - self.payments

    @property
    def defaulted(self) -> tuple[str, ...]:
        order = self.default_round.dropna().sort_values(kind="stable")
        return tuple(order.index)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "obligations": self.obligations,
                "payments": self.payments,
                "shortfall": self.shortfall,
                "loss_on_claims": self.losses,
                "default_round": self.default_round,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        frame = self.to_frame()
        return {
            "shocks": dict(self.shocks),
            "defaulted_in_order": list(self.defaulted),
            "firms": [
                {"firm": str(k), **{c: (None if pd.isna(v) else float(v)) for c, v in row.items()}}
                for k, row in frame.iterrows()
            ],
        }


def clearing(
    liabilities: pd.DataFrame,
    external: pd.Series,
    shocks: Mapping[str, float] | None = None,
) -> Clearing:
    """Greatest clearing vector by fictitious default, with shocks capping named firms' payments.

    ``liabilities.loc[i, j]`` is what ``i`` owes ``j``; ``external`` the outside assets of each
    firm; ``shocks`` maps a firm to the share of its obligations it fails to pay.
    """
    _check_square(liabilities)
    names = [str(n) for n in liabilities.index]
    e = external.reindex(liabilities.index).to_numpy(dtype=float)
    if not np.all(np.isfinite(e)) or np.any(e < 0):
        raise SpecificationError(
            "outside assets must be finite, non-negative and given for every firm"
        )
    s = _shares(shocks or {}, names)
    lia = liabilities.to_numpy(dtype=float)
    owed = lia.sum(axis=1)
    cap = (1.0 - s) * owed
    with np.errstate(invalid="ignore", divide="ignore"):
        pi = np.where(owed[:, None] > 0, lia / owed[:, None], 0.0)
    n = len(names)
    p = cap.copy()
    default_round = np.full(n, np.nan)
    default_round[s > 0] = 0
    in_default = np.zeros(n, dtype=bool)
    for rnd in range(1, n + 2):
        wealth = e + pi.T @ p
        new = (~in_default) & (wealth < cap - _TOL * np.maximum(1.0, cap))
        if not new.any():
            break
        in_default |= new
        default_round[new & np.isnan(default_round)] = rnd
        d = np.nonzero(in_default)[0]
        keep = np.nonzero(~in_default)[0]
        a = np.eye(len(d)) - pi[np.ix_(d, d)].T
        b = e[d] + pi[np.ix_(keep, d)].T @ cap[keep]
        p = cap.copy()
        p[d] = np.minimum(cap[d], np.maximum(0.0, np.linalg.solve(a, b)))
    loss = (pi.T @ (owed - p)) if n else np.zeros(0)
    index = pd.Index(names, name="firm")
    return Clearing(
        tuple(names),
        pd.Series(owed, index=index),
        pd.Series(p, index=index),
        pd.Series(loss, index=index),
        pd.Series(default_round, index=index),
        dict(shocks or {}),
    )


def _clearing_reference(
    liabilities: pd.DataFrame, external: pd.Series, shocks: Mapping[str, float] | None = None
) -> pd.Series:
    """Picard iteration p <- min(cap, e + Pi' p) from full payment: the greatest fixed point.

    Raises ``ArithmeticError`` if the iteration has not settled (steps below 1e-14) within
    100,000 rounds: a ring whose members pass on nearly all they receive contracts so slowly
    that the iterate is still far from the fixed point, and is no reference.
    """
    names = [str(n) for n in liabilities.index]
    s = _shares(shocks or {}, names)
    lia = liabilities.to_numpy(dtype=float)
    owed = lia.sum(axis=1)
    cap = (1 - s) * owed
    e = external.reindex(liabilities.index).to_numpy(dtype=float)
    p = cap.copy()
    for _ in range(100_000):
        new = np.empty_like(p)
        for i in range(len(p)):
            inflow = 0.0
            for j in range(len(p)):
                if owed[j] > 0:
                    inflow += lia[j, i] / owed[j] * p[j]
            new[i] = min(cap[i], max(0.0, e[i] + inflow))
        if np.max(np.abs(new - p), initial=0.0) < 1e-14:
            p = new
            break
        p = new
    else:
        raise ArithmeticError("Picard iteration did not settle within 100,000 rounds")
    return pd.Series(p, index=pd.Index(names, name="firm"))


@dataclass(frozen=True)
class DebtRankResult:
    """Distress by firm after propagation, the round each was first hit, and DebtRank."""

    firms: tuple[str, ...]
    initial: pd.Series
    distress: pd.Series
    first_hit: pd.Series
    value: pd.Series
    shocks: Mapping[str, float]

    @property
    def debtrank(self) -> float:
        v = self.value / self.value.sum()
        return float((self.distress * v).sum() - (self.initial * v).sum())

    @property
    def order(self) -> tuple[str, ...]:
        hit = self.first_hit.dropna().sort_values(kind="stable")
        return tuple(hit.index)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"initial": self.initial, "distress": self.distress, "first_hit_round": self.first_hit}
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "shocks": dict(self.shocks),
            "debtrank": self.debtrank,
            "hit_in_order": list(self.order),
            "firms": [
                {"firm": str(k), **{c: (None if pd.isna(v) else float(v)) for c, v in row.items()}}
                for k, row in self.to_frame().iterrows()
            ],
        }


def impact_matrix(claims: pd.DataFrame, equity: pd.Series) -> np.ndarray:
    """:math:`W_{ij} = \\min(1, A_{ij} / E_i)`; a firm with no equity takes full impact."""
    a = claims.to_numpy(dtype=float)
    eq = equity.reindex(claims.index).to_numpy(dtype=float)
    if not np.all(np.isfinite(eq)) or np.any(eq < 0):
        raise SpecificationError("equity must be finite, non-negative and given for every firm")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w = np.where(eq[:, None] > 0, a / eq[:, None], np.where(a > 0, 1.0, 0.0))
    return np.minimum(1.0, w)


def debtrank(
    claims: pd.DataFrame,
    equity: pd.Series,
    shocks: Mapping[str, float],
    value: pd.Series | None = None,
) -> DebtRankResult:
    """DebtRank of an initial shock (share of equity lost) on the claims network.

    ``claims.loc[i, j]`` is what ``j`` owes ``i`` (``i``'s exposure to ``j``); ``value`` weights
    firms in the index (default: equal).
    """
    _check_square(claims)
    names = [str(n) for n in claims.index]
    w = impact_matrix(claims, equity)
    h = _shares(shocks, names)
    initial = h.copy()
    undistressed, distressed, inactive = 0, 1, 2
    state = np.where(h > 0, distressed, undistressed)
    first_hit = np.where(h > 0, 0.0, np.nan)
    rnd = 0
    while (state == distressed).any():
        rnd += 1
        active = state == distressed
        h = np.minimum(1.0, h + w[:, active] @ h[active])
        newly = (state == undistressed) & (h > 0)
        state = np.where(active, inactive, np.where(newly, distressed, state))
        first_hit[newly] = rnd
    weights = pd.Series(1.0, index=claims.index) if value is None else value.reindex(claims.index)
    index = pd.Index(names, name="firm")
    return DebtRankResult(
        tuple(names),
        pd.Series(initial, index=index),
        pd.Series(h, index=index),
        pd.Series(first_hit, index=index),
        pd.Series(weights.to_numpy(dtype=float), index=index),
        dict(shocks),
    )


def _debtrank_reference(
    claims: pd.DataFrame, equity: pd.Series, shocks: Mapping[str, float]
) -> pd.Series:
    """Node-by-node DebtRank: states undistressed (U), distressed (D), inactive (I)."""
    names = [str(n) for n in claims.index]
    a = claims.to_numpy(dtype=float)
    eq = equity.reindex(claims.index).to_numpy(dtype=float)
    h = {n: float(shocks.get(n, 0.0)) for n in names}
    state = {n: ("D" if h[n] > 0 else "U") for n in names}
    while any(v == "D" for v in state.values()):
        distressed = [n for n in names if state[n] == "D"]
        gained = dict.fromkeys(names, 0.0)
        for i in names:
            ii = names.index(i)
            for j in distressed:
                jj = names.index(j)
                if a[ii, jj] <= 0:
                    continue
                wij = 1.0 if a[ii, jj] >= eq[ii] else a[ii, jj] / eq[ii]
                gained[i] += wij * h[j]
        for i in names:
            h[i] = min(1.0, h[i] + gained[i])
        for i in names:
            if state[i] == "D":
                state[i] = "I"
            elif state[i] == "U" and h[i] > 0:
                state[i] = "D"
    return pd.Series([h[n] for n in names], index=pd.Index(names, name="firm"))
