"""Shared helpers: one rule for missing values, one column check, one percentile interval."""
import doctest
import importlib
import pkgutil

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import DataError
from analysis.common import check_columns, is_blank, is_missing, percentile_interval


@pytest.mark.parametrize("value", [None, float("nan"), np.float32("nan"), pd.NA, pd.NaT])
def test_missing_values(value):
    assert is_missing(value) and is_blank(value)


@pytest.mark.parametrize("value", ["", "x", 0, 0.0, False, "nan"])
def test_values_that_are_there(value):
    assert not is_missing(value)


def test_blank_is_missing_or_white_space():
    assert is_blank("  \t") and not is_blank(" a ")


def test_check_columns_names_the_table_and_the_column():
    with pytest.raises(DataError, match=r"codes: column\(s\) value missing"):
        check_columns(pd.DataFrame({"report_id": []}), ["report_id", "value"], "codes")
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        check_columns([1, 2], ["a"], "codes")


def test_percentile_interval_is_the_central_share():
    # 101 evenly spaced samples 0..100: the central 90 % runs from 5 to 95
    assert percentile_interval(np.arange(101.0), level=0.9) == pytest.approx((5.0, 95.0))
    # undefined resamples are left out, not counted as values
    assert percentile_interval([np.nan, 0.0, 10.0, np.nan], level=0.5) == (2.5, 7.5)
    assert all(np.isnan(percentile_interval([np.nan, np.nan])))
    with pytest.raises(ValueError, match="level"):
        percentile_interval([1.0], level=95)


def test_percentile_interval_along_an_axis():
    samples = np.vstack([np.arange(101.0), np.full(101, np.nan)])
    low, high = percentile_interval(samples, level=0.9, axis=1)
    assert low[0] == pytest.approx(5.0) and high[0] == pytest.approx(95.0) and np.isnan(low[1]) and np.isnan(high[1])


def _modules():
    for info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if not info.name.endswith("__main__"):
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
