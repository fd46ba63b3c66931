r"""What a parser returns, and the steps every parser shares: attach codes, melt, ratios.

Examples
--------
>>> import pandas as pd
>>> wide = pd.DataFrame({"commune_code": ["29232", "29232", "29019"],
...                      "arcep_locaux": [10.0, 30.0, 20.0],
...                      "arcep_locaux_thd30": [5.0, 15.0, 20.0]})
>>> long = with_ratios(melt_counts(wide, "2019-09-30"))
>>> long[long.indicator == "arcep_taux_thd30"][["commune_code", "value"]].to_string(index=False)
'commune_code  value\n       29019  100.0\n       29232   50.0'

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators.catalogue import INDICATORS, UNDATED
from trajectoires.indicators.report import ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = [
    "PLACE_COLUMNS",
    "UNDATED",
    "VALUE_COLUMNS",
    "Parsed",
    "attach",
    "count_places",
    "melt_counts",
    "with_ratios",
]

VALUE_COLUMNS = ["commune_code", "indicator", "period", "value"]
PLACE_COLUMNS = ["id", "name", "commune_code", "lat", "lon", "kind", "attributes"]


@dataclass
class Parsed:
    """A validated file: long commune values, places (point datasets) and the report."""

    kind: str
    values: pd.DataFrame
    report: ImportReport
    period: str
    places: pd.DataFrame | None = None


def attach(
    frame: pd.DataFrame, codes: pd.Series, matcher: CommuneMatcher, report: ImportReport
) -> pd.DataFrame:
    """Rows of ``frame`` whose code matches a commune, with a ``commune_code`` column.

    Direct matches, folds and rejections are counted in ``report``.
    """
    matched = matcher.match(codes)
    report.match(int(matched["reason"].isna().sum()))
    for reason, count in matched.loc[matched["commune"].notna(), "reason"].value_counts().items():
        report.fold(int(count), str(reason))
    for reason, count in matched.loc[matched["commune"].isna(), "reason"].value_counts().items():
        report.reject(int(count), str(reason))
    keep = matched["commune"].notna()
    return frame[keep].assign(commune_code=matched.loc[keep, "commune"])


def melt_counts(wide: pd.DataFrame, period: str) -> pd.DataFrame:
    """Long values from a wide table of counts: rows folded into one commune are summed."""
    grouped = wide.groupby("commune_code").sum(min_count=1)
    long = grouped.reset_index().melt(
        id_vars="commune_code", var_name="indicator", value_name="value"
    )
    long["period"] = period
    return long.dropna(subset=["value"])[VALUE_COLUMNS].reset_index(drop=True)


def with_ratios(long: pd.DataFrame) -> pd.DataFrame:
    """Add every catalogue ratio whose numerator and denominator are in ``long``."""
    by_indicator = {
        key: group.set_index(["commune_code", "period"])["value"]
        for key, group in long.groupby("indicator", sort=False)
    }
    parts = [long]
    for indicator in INDICATORS.values():
        if indicator.rule != "ratio":
            continue
        num = by_indicator.get(indicator.numerator)
        den = by_indicator.get(indicator.denominator)
        if num is None or den is None:
            continue
        both = pd.concat({"num": num, "den": den}, axis=1, join="inner")
        both = both[both["den"] > 0]
        ratio = (both["num"] / both["den"] * indicator.scale).rename("value").reset_index()
        ratio["indicator"] = indicator.id
        parts.append(ratio[VALUE_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def count_places(places: pd.DataFrame, indicator: str, period: str) -> pd.DataFrame:
    """Long values counting the places of each commune."""
    counts = places.groupby("commune_code").size().rename("value").astype(float).reset_index()
    counts["indicator"] = indicator
    counts["period"] = period
    return counts[VALUE_COLUMNS]
