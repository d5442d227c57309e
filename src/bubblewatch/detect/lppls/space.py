"""Search spaces and filter conditions for LPPLS fits, selectable by name.

A *search space* bounds the global search over (tc, m, ω); the *conditions*
decide whether a fit qualifies for the confidence indicator. tc bounds are
fractions of the window span ``dt = t2 − t1`` before and after the window's end
``t2``, optionally capped in observations.

Derived quantities (:func:`oscillations`, :func:`damping`):

* number of oscillations ``O = (ω / 2π) · ln|(tc − t1)/(tc − t2)|``: the full
  log-periodic cycles between the window's start and end. The sources disagree:
  the ``lppls`` package and Fantazzini's R package ``bubble`` use this form; Shu &
  Zhu (2020, eq. 12) count half-cycles, ``(ω/π) ln(...)``; Sornette et al. (2015)
  print ``(ω/2) ln((tc − t1)/(t2 − t1))``. bubblewatch uses full cycles for every
  filter set, so a threshold of 2.5 means two and a half visible cycles;
* damping ``D = m|B| / (ω|C|)`` with ``C = √(C1² + C2²)``: how strongly the
  power-law growth dominates the log-periodic oscillation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bubblewatch.errors import SpecificationError

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SearchSpace:
    """Bounds of the nonlinear search: m, ω, and tc as fractions of dt (before, after t2)."""

    m: tuple[float, float]
    omega: tuple[float, float]
    tc: tuple[float, float]


@dataclass(frozen=True)
class Conditions:
    """Filter conditions a fit must meet to count in the confidence indicator.

    ``tc`` is (fraction of dt before t2, fraction after); ``tc_days`` optionally
    caps those distances in observations, as (before, after).
    """

    m: tuple[float, float]
    omega: tuple[float, float]
    tc: tuple[float, float]
    oscillations_min: float
    damping_min: float
    relative_error_max: float | None = None
    tc_days: tuple[float, float] | None = None


@dataclass(frozen=True)
class FilterSet:
    """A named search space, filter conditions and default indicator windows, with its source."""

    name: str
    citation: str
    search: SearchSpace
    conditions: Conditions
    windows: tuple[int, int, int]
    """Default (min_window, max_window, window_step) in observations."""


SORNETTE_2015 = FilterSet(
    name="sornette2015",
    citation=(
        "Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015). "
        "Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market "
        "bubble and crash. Journal of Investment Strategies 4(4), 77-95; Table 1 "
        "(search space; filter condition 1, used for the confidence indicator; its "
        "relative-error condition is not applied)."
    ),
    search=SearchSpace(m=(0.0, 2.0), omega=(1.0, 50.0), tc=(0.2, 0.2)),
    conditions=Conditions(
        m=(0.01, 1.2),
        omega=(2.0, 25.0),
        tc=(0.05, 0.1),
        oscillations_min=2.5,
        damping_min=0.8,
    ),
    windows=(125, 750, 5),
)

SHU_ZHU_2020 = FilterSet(
    name="shu2020",
    citation=(
        "Shu, M. & Zhu, W. (2020). Detection of Chinese stock market bubbles with LPPLS "
        "confidence indicator. Physica A 557, 124892; Section 2.2 (search space and "
        "filter conditions; the relative-error bound and the Lomb and unit-root residual "
        "tests are not applied)."
    ),
    search=SearchSpace(m=(0.0, 1.0), omega=(1.0, 50.0), tc=(0.0, 1.0 / 3.0)),
    conditions=Conditions(
        m=(0.01, 0.99),
        omega=(2.0, 25.0),
        tc=(0.0, 0.2),
        oscillations_min=2.5,
        damping_min=1.0,
    ),
    windows=(50, 750, 5),
)

LPPLS_PACKAGE = FilterSet(
    name="lppls",
    citation=(
        "The lppls Python package, version 0.6.24: the default filter_conditions_config of "
        "LPPLS.compute_indicators and the default windows of mp_compute_nested_fits "
        "(window_size=80, smallest_window_size=20, inner_increment=2)."
    ),
    search=SearchSpace(m=(0.0, 2.0), omega=(1.0, 50.0), tc=(0.2, 0.2)),
    conditions=Conditions(
        m=(0.0, 1.0),
        omega=(2.0, 15.0),
        tc=(0.5, 0.5),
        oscillations_min=2.5,
        damping_min=0.5,
        tc_days=(60.0, 252.0),
    ),
    windows=(22, 80, 2),
)

FILTER_SETS: dict[str, FilterSet] = {
    s.name: s for s in (SORNETTE_2015, SHU_ZHU_2020, LPPLS_PACKAGE)
}


def filter_set(filters: str | FilterSet) -> FilterSet:
    """Look up a filter set by name (or pass one through)."""
    if isinstance(filters, FilterSet):
        return filters
    try:
        return FILTER_SETS[filters]
    except (KeyError, TypeError):
        names = ", ".join(sorted(FILTER_SETS))
        raise SpecificationError(
            f"unknown LPPLS filter set {filters!r}; choose one of: {names}"
        ) from None


def oscillations(omega: Floats, tc: Floats, t1: Floats, t2: Floats) -> Floats:
    """``(ω / 2π) ln|(tc − t1)/(tc − t2)|``; infinite when tc = t2."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs((tc - t1) / (tc - t2))
        return np.asarray(omega / (2.0 * np.pi) * np.log(ratio), dtype=float)


def damping(m: Floats, omega: Floats, b: Floats, c: Floats) -> Floats:
    """``m|B| / (ω|C|)``; infinite when C = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(m * np.abs(b) / (omega * np.abs(c)), dtype=float)


def qualifies(
    conditions: Conditions,
    *,
    tc: Floats,
    m: Floats,
    omega: Floats,
    t1: Floats,
    t2: Floats,
    b: Floats,
    c: Floats,
    relative_error: Floats | None = None,
) -> npt.NDArray[np.bool_]:
    """Boolean array: which fits meet every condition (times in observations)."""
    span = t2 - t1
    before = conditions.tc[0] * span
    after = conditions.tc[1] * span
    if conditions.tc_days is not None:
        before = np.minimum(before, conditions.tc_days[0])
        after = np.minimum(after, conditions.tc_days[1])
    ok = (t2 - before <= tc) & (tc <= t2 + after)
    ok &= (conditions.m[0] <= m) & (m <= conditions.m[1])
    ok &= (conditions.omega[0] <= omega) & (omega <= conditions.omega[1])
    ok &= oscillations(omega, tc, t1, t2) >= conditions.oscillations_min
    ok &= damping(m, omega, b, c) >= conditions.damping_min
    if conditions.relative_error_max is not None and relative_error is not None:
        ok &= relative_error <= conditions.relative_error_max
    ok &= np.isfinite(tc)
    return np.asarray(ok, dtype=bool)
