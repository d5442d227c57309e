"""The public PSY API: result objects, critical values, date-stamping, panels, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect import psy
from bubblewatch.errors import SpecificationError


def bubble_path(n: int = 200, start: int = 100, end: int = 130, seed: int = 0) -> pd.Series:
    """PSY (2015, eq. 1) style DGP: random walk, a mildly explosive stretch, a collapse."""
    rng = np.random.default_rng(seed)
    y = np.empty(n)
    y[0] = 100.0
    for t in range(1, n):
        if start <= t < end:
            y[t] = 1.04 * y[t - 1] + rng.standard_normal()
        elif t == end:
            y[t] = y[start - 1] + rng.standard_normal()
        else:
            y[t] = y[t - 1] + rng.standard_normal()
    return pd.Series(y, index=pd.period_range("2000-01", periods=n, freq="M"), name="sim")


def test_result_is_labelled_by_the_input_dates() -> None:
    y = bubble_path()
    r = psy.test(y)
    assert r.nobs == 200 and r.min_window == psy.default_min_window(200) == 27
    assert len(r.bsadf) == len(r.badf) == 200 - 27
    assert r.bsadf.index[0] == y.index[27] and r.bsadf.index[-1] == y.index[-1]
    assert r.sadf == pytest.approx(r.badf.max()) and r.gsadf == pytest.approx(r.bsadf.max())
    assert r.adf == pytest.approx(r.badf.iloc[-1])
    assert r.name == "sim"
    frame = r.to_frame()
    assert list(frame.columns) == ["value", "badf", "bsadf"] and frame["bsadf"].isna().sum() == 27
    d = json.loads(json.dumps(r.to_dict()))
    assert d["index"][0] == "2002-04" and len(d["bsadf"]) == 173
    assert "GSADF" in r.summary()
    with pytest.raises(AttributeError):
        r.gsadf = 0.0  # type: ignore[misc]


def test_lag_selection_searches_up_to_the_maximum() -> None:
    y = bubble_path(seed=3)
    fixed0 = psy.test(y, lags=0)
    chosen = psy.test(y, lags=4, lag_selection="bic")
    assert chosen.lags == 4 and chosen.lag_selection == "bic" and chosen.lag_rule == "≤4 by BIC"
    assert len(chosen.bsadf) == 200 - chosen.min_window - 4
    assert not np.allclose(fixed0.bsadf.to_numpy()[4:], chosen.bsadf.to_numpy())


def test_a_simulated_bubble_is_dated_near_its_true_origination() -> None:
    y = bubble_path(seed=1)
    r = psy.test(y)
    cv = psy.critical_values(r.nobs)  # the shipped table for T = 200
    assert "shipped table" in cv.source
    assert r.gsadf > cv.gsadf["99%"]
    stamps = psy.datestamp(r, cv)
    first = stamps.positive.iloc[0]
    origin = y.index.get_loc(first["origination"])
    assert 100 <= origin <= 115  # the explosive stretch starts at observation 100
    assert y.index.get_loc(first["peak"]) <= 130
    assert stamps.min_duration == psy.default_min_duration(200) == 5
    assert json.loads(json.dumps(stamps.to_dict()))["episodes"][0]["direction"] == "positive"


def test_a_random_walk_is_rarely_dated() -> None:
    y = pd.Series(np.cumsum(np.random.default_rng(8).standard_normal(300)))
    r = psy.test(y)
    cv = psy.critical_values(300)
    assert r.gsadf < cv.gsadf["99%"]


def test_critical_values_are_reproducible_and_ordered() -> None:
    a = psy.critical_values(120, reps=200, seed=42)
    b = psy.critical_values(120, reps=200, seed=42)
    c = psy.critical_values(120, reps=200, seed=43)
    assert a.seed == 42 and a.reps == 200 and a.source == "simulated"
    pd.testing.assert_frame_equal(a.bsadf_pointwise, b.bsadf_pointwise)
    assert a.gsadf != c.gsadf
    for table in (a.adf, a.sadf, a.gsadf, a.familywise):
        assert table["90%"] < table["95%"] < table["99%"]
    assert a.gsadf["95%"] >= a.sadf["95%"]
    # the cumulative-maximum rule is never below the pointwise BADF quantiles it accumulates
    assert (a.bsadf_cummax.to_numpy() >= a.badf.to_numpy() - 1e-12).all()
    assert a.familywise == a.gsadf  # default horizon: the whole sequence
    h = psy.critical_values(120, reps=200, seed=42, horizon=12)
    assert h.horizon == 12 and h.familywise["95%"] <= a.familywise["95%"]
    assert a.pvalue(100.0) == pytest.approx(1 / 201) and a.pvalue(-100.0) == 1.0
    fresh = psy.critical_values(60, reps=50)
    assert isinstance(fresh.seed, int)  # a drawn seed is recorded
    assert json.loads(json.dumps(a.to_dict()))["seed"] == 42
    assert "GSADF" in a.summary()


def test_bootstrap_critical_values_are_tied_to_their_data() -> None:
    y = bubble_path(seed=2)
    r = psy.test(y)
    wild = psy.critical_values(r.nobs, method="wild", y=y, reps=100, seed=1)
    ps = psy.critical_values(r.nobs, method="wild-ps", y=y, reps=100, seed=1, lags=0, horizon=24)
    assert wild.method == "wild" and ps.horizon == 24
    psy.datestamp(r, wild)
    psy.datestamp(r, ps, rule="familywise")
    other = psy.test(bubble_path(seed=9))
    with pytest.raises(SpecificationError, match="other data"):
        psy.datestamp(other, wild)
    with pytest.raises(SpecificationError, match="pass y="):
        psy.critical_values(r.nobs, method="wild")
    with pytest.raises(SpecificationError, match="observations but n"):
        psy.critical_values(150, method="wild", y=y)


def test_mismatched_critical_values_are_an_error() -> None:
    r = psy.test(bubble_path())
    for cv in (
        psy.critical_values(199, reps=30, seed=1),
        psy.critical_values(200, min_window=30, reps=30, seed=1),
        psy.critical_values(200, lags=1, reps=30, seed=1),
    ):
        with pytest.raises(SpecificationError, match="do not match"):
            psy.datestamp(r, cv)


@pytest.mark.parametrize(
    ("y", "kwargs", "message"),
    [
        (np.arange(4.0), {}, "too short"),
        (np.cumsum(np.ones(50)) * 0 + 3.0, {}, "constant"),
        (np.r_[1.0, np.nan, np.arange(40.0)], {}, "missing"),
        (np.array(["a", "b"] * 30), {}, "numeric"),
        (np.cumsum(np.random.default_rng(0).standard_normal(50)), {"min_window": 2}, "at least 4"),
        (np.cumsum(np.random.default_rng(0).standard_normal(50)), {"min_window": 60}, "too short"),
        (np.cumsum(np.random.default_rng(0).standard_normal(50)), {"lags": -1}, "lags"),
        (
            np.cumsum(np.random.default_rng(0).standard_normal(50)),
            {"lag_selection": "hqic"},
            "lag_selection",
        ),
        (np.zeros((5, 5)), {}, "one-dimensional"),
    ],
)
def test_bad_input_is_a_specification_error(
    y: object, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SpecificationError, match=message):
        psy.test(y, **kwargs)  # type: ignore[arg-type]


def test_bad_date_labels_are_rejected() -> None:
    values = np.cumsum(np.random.default_rng(0).standard_normal(40)) + 50
    monthly = pd.date_range("2001-01-31", periods=40, freq="ME")
    mixed = monthly.insert(9, pd.Timestamp("2001-10-05"))
    with pytest.raises(SpecificationError, match="mix frequencies"):
        psy.test(pd.Series(np.r_[values, 1.0], index=mixed))
    gappy = monthly.delete(20)
    with pytest.raises(SpecificationError, match="missing period"):
        psy.test(pd.Series(values[:-1], index=gappy))
    with pytest.raises(SpecificationError, match="increasing"):
        psy.test(pd.Series(values, index=monthly[::-1]))
    with pytest.raises(SpecificationError, match="duplicate"):
        psy.test(pd.Series(values, index=monthly.insert(0, monthly[0])[:-1]))
    periods = pd.period_range("2001-01", periods=41, freq="M").delete(5)
    with pytest.raises(SpecificationError, match="consecutive"):
        psy.test(pd.Series(values, index=periods))
    with pytest.raises(SpecificationError, match="panel_test"):
        psy.test(pd.DataFrame({"a": values, "b": values}))


def test_critical_value_arguments_are_checked() -> None:
    with pytest.raises(SpecificationError, match="method"):
        psy.critical_values(100, method="bootstrap")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="reps"):
        psy.critical_values(100, reps=3)
    with pytest.raises(SpecificationError, match="horizon"):
        psy.critical_values(100, reps=30, horizon=1000)
    with pytest.raises(SpecificationError, match="seed"):
        psy.critical_values(100, reps=30, seed=-1)
    r = psy.test(bubble_path())
    cv = psy.critical_values(200)
    with pytest.raises(SpecificationError, match="level"):
        psy.datestamp(r, cv, level=0.5)
    with pytest.raises(SpecificationError, match="rule"):
        psy.datestamp(r, cv, rule="psy")  # type: ignore[arg-type]


def test_table_for_many_sizes_matches_its_own_specification() -> None:
    tables = psy.critical_value_table([80, 150], reps=40, seed=5)
    for n, cv in tables.items():
        assert cv.nobs == n and cv.min_window == psy.default_min_window(n)
        assert len(cv.bsadf_pointwise) == n - cv.min_window
    assert 1680 in psy.table_sizes() and 2000 in psy.table_sizes()


def test_panel_gsadf_is_the_mean_of_member_bsadfs() -> None:
    members = {f"s{i}": bubble_path(seed=i) for i in range(3)}
    frame = pd.DataFrame(members)
    result = psy.panel_test(frame)
    expected = pd.DataFrame({k: psy.test(v).bsadf for k, v in members.items()}).mean(axis=1)
    np.testing.assert_allclose(result.bsadf.to_numpy(), expected.to_numpy(), atol=1e-12)
    assert result.gsadf == pytest.approx(expected.max())
    cv = psy.panel_critical_values(frame, reps=60, seed=4)
    again = psy.panel_critical_values(frame, reps=60, seed=4)
    np.testing.assert_array_equal(cv.gsadf_draws, again.gsadf_draws)
    assert cv.gsadf["90%"] <= cv.gsadf["95%"] <= cv.gsadf["99%"]
    assert result.gsadf > cv.gsadf["95%"]  # every member has a bubble
    stamps = psy.panel_datestamp(result, cv)
    assert len(stamps.positive) >= 1
    assert "Panel GSADF" in result.summary(cv)
    json.dumps(result.to_dict())
    json.dumps(cv.to_dict())
    with pytest.raises(SpecificationError, match="do not match"):
        psy.panel_datestamp(psy.panel_test(frame[["s0", "s1"]]), cv)
    with pytest.raises(SpecificationError, match="at least two"):
        psy.panel_test(frame[["s0"]])


def test_figures_draw_the_sequences() -> None:
    y = bubble_path(seed=1)
    r = psy.test(y)
    cv = psy.critical_values(200)
    fig = r.figure(cv, psy.datestamp(r, cv))
    names = [t.name for t in fig.data]
    assert "BSADF" in names and any("critical value" in str(n) for n in names)
    assert len(fig.layout.shapes) >= 1
    assert '"x0":"2008-' in fig.to_json().replace(" ", "")  # periods drawn as dates
    members = pd.DataFrame({f"s{i}": bubble_path(seed=i) for i in range(2)})
    panel = psy.panel_test(members)
    panel.figure(psy.panel_critical_values(members, reps=30, seed=1)).to_json()


def test_docstring_examples_run() -> None:
    import doctest

    from bubblewatch.detect.psy import stats

    outcome = doctest.testmod(stats, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= 3 and outcome.failed == 0
