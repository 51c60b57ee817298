"""The analytics vocabulary of the API: units transforms, target frequencies, aggregation
methods and correlation bases, each mapped once to the mart code or column it reads.

GraphQL exposes these Enums by member name (``PC1``, ``MONTHLY``); REST and the dashboard's URLs
use the values, which are FRED's own lowercase codes where FRED has one (``units=pc1``,
``frequency=m``, ``aggregation_method=eop``), so a FRED user reads them without a glossary.
"""

from __future__ import annotations

from enum import Enum


class Transform(Enum):
    """FRED's ``units`` codes, plus three whole-history normalisations of ours."""

    LEVEL = "lin"
    CHG = "chg"
    CH1 = "ch1"
    PCH = "pch"
    PC1 = "pc1"
    PCA = "pca"
    CCH = "cch"
    CCA = "cca"
    LOG = "log"
    ZSCORE = "zscore"
    MINMAX = "minmax"
    INDEX100 = "index100"


#: The column of ``mart_observation_transforms`` that holds each transform.
TRANSFORM_COLUMNS: dict[Transform, str] = {
    Transform.LEVEL: "value",
    Transform.CHG: "chg",
    Transform.CH1: "ch1",
    Transform.PCH: "pch",
    Transform.PC1: "pc1",
    Transform.PCA: "pca",
    Transform.CCH: "cch",
    Transform.CCA: "cca",
    Transform.LOG: "log_value",
    Transform.ZSCORE: "zscore",
    Transform.MINMAX: "minmax",
    Transform.INDEX100: "index_100",
}


class Frequency(Enum):
    """Target frequencies for aggregation; the values are FRED's ``frequency`` codes."""

    WEEKLY = "w"
    MONTHLY = "m"
    QUARTERLY = "q"
    ANNUAL = "a"


#: The ``frequency`` code of ``mart_observations_resampled`` (and ``period`` of
#: ``mart_candles``, which has weekly and monthly candles only).
FREQUENCY_CODES: dict[Frequency, str] = {
    Frequency.WEEKLY: "W",
    Frequency.MONTHLY: "M",
    Frequency.QUARTERLY: "Q",
    Frequency.ANNUAL: "A",
}
CANDLE_FREQUENCIES = (Frequency.WEEKLY, Frequency.MONTHLY)


class Aggregation(Enum):
    """FRED's ``aggregation_method`` codes: period average, sum, or end-of-period value."""

    AVG = "avg"
    SUM = "sum"
    EOP = "eop"


#: The column of ``mart_observations_resampled`` that holds each aggregation.
AGGREGATION_COLUMNS: dict[Aggregation, str] = {
    Aggregation.AVG: "value_avg",
    Aggregation.SUM: "value_sum",
    Aggregation.EOP: "value_eop",
}


class CorrelationBasis(Enum):
    """How two series' values are paired; the values are ``mart_correlations.basis``."""

    DAILY = "daily"
    MONTHLY = "monthly"
