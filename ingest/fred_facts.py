"""Public FRED facts (titles, units, seasonal adjustment) for the series this project tracks.

The sandbox serves plain ``date,value`` CSVs that carry no metadata; without this table every
series would be called "Series X" and the dashboard would show no units. The facts are what
FRED publishes on each series page. Frequencies are *not* taken from here: they are inferred
from the dates (``models.calendar.describe_frequency``) so a folder of CSVs always describes
itself truthfully.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeriesFacts:
    title: str
    units: str
    units_short: str
    seasonal_adjustment: str = "Not Seasonally Adjusted"
    seasonal_adjustment_short: str = "NSA"


_PCT = ("Percent", "%")
_SA = ("Seasonally Adjusted", "SA")
_SAAR = ("Seasonally Adjusted Annual Rate", "SAAR")


def _treasury(maturity: str) -> str:
    return (
        f"Market Yield on U.S. Treasury Securities at {maturity} Constant Maturity, "
        "Quoted on an Investment Basis"
    )


KNOWN_SERIES: dict[str, SeriesFacts] = {
    "DGS10": SeriesFacts(_treasury("10-Year"), *_PCT),
    "DGS2": SeriesFacts(_treasury("2-Year"), *_PCT),
    "DGS3MO": SeriesFacts(_treasury("3-Month"), *_PCT),
    "T10Y2Y": SeriesFacts(
        "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity", *_PCT
    ),
    "DFF": SeriesFacts("Federal Funds Effective Rate", *_PCT),
    "FEDFUNDS": SeriesFacts("Federal Funds Effective Rate", *_PCT),
    "SP500": SeriesFacts("S&P 500", "Index", "Index"),
    "VIXCLS": SeriesFacts("CBOE Volatility Index: VIX", "Index", "Index"),
    "DEXUSEU": SeriesFacts(
        "U.S. Dollars to Euro Spot Exchange Rate", "U.S. Dollars to One Euro", "U.S. $ to 1 Euro"
    ),
    "DEXJPUS": SeriesFacts(
        "Japanese Yen to U.S. Dollar Spot Exchange Rate",
        "Japanese Yen to One U.S. Dollar",
        "Yen to 1 U.S. $",
    ),
    "DCOILWTICO": SeriesFacts(
        "Crude Oil Prices: West Texas Intermediate (WTI) - Cushing, Oklahoma",
        "Dollars per Barrel",
        "$ per Barrel",
    ),
    "DTWEXBGS": SeriesFacts(
        "Nominal Broad U.S. Dollar Index", "Index Jan 2006=100", "Index Jan 2006=100"
    ),
    "BAMLH0A0HYM2": SeriesFacts("ICE BofA US High Yield Index Option-Adjusted Spread", *_PCT),
    "NASDAQCOM": SeriesFacts(
        "NASDAQ Composite Index", "Index Feb 5, 1971=100", "Index Feb 5, 1971=100"
    ),
    "WILL5000INDFC": SeriesFacts("Wilshire 5000 Total Market Full Cap Index", "Index", "Index"),
    "UNRATE": SeriesFacts("Unemployment Rate", *_PCT, *_SA),
    "CPIAUCSL": SeriesFacts(
        "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
        "Index 1982-1984=100",
        "Index 1982-1984=100",
        *_SA,
    ),
    "PAYEMS": SeriesFacts(
        "All Employees, Total Nonfarm", "Thousands of Persons", "Thous. of Persons", *_SA
    ),
    "INDPRO": SeriesFacts(
        "Industrial Production: Total Index", "Index 2017=100", "Index 2017=100", *_SA
    ),
    "M2SL": SeriesFacts("M2", "Billions of Dollars", "Bil. of $", *_SA),
    "HOUST": SeriesFacts(
        "New Privately-Owned Housing Units Started: Total Units",
        "Thousands of Units",
        "Thous. of Units",
        *_SAAR,
    ),
    "PCE": SeriesFacts(
        "Personal Consumption Expenditures", "Billions of Dollars", "Bil. of $", *_SAAR
    ),
    "UMCSENT": SeriesFacts(
        "University of Michigan: Consumer Sentiment", "Index 1966:Q1=100", "Index 1966:Q1=100"
    ),
    "GDP": SeriesFacts("Gross Domestic Product", "Billions of Dollars", "Bil. of $", *_SAAR),
    "GDPC1": SeriesFacts(
        "Real Gross Domestic Product",
        "Billions of Chained 2017 Dollars",
        "Bil. of Chn. 2017 $",
        *_SAAR,
    ),
    "MORTGAGE30US": SeriesFacts("30-Year Fixed Rate Mortgage Average in the United States", *_PCT),
}


def facts_for(series_id: str) -> SeriesFacts:
    """Known facts, or a generic description that still says where the data came from."""
    known = KNOWN_SERIES.get(series_id)
    if known is not None:
        return known
    return SeriesFacts(f"{series_id} (served from a local CSV file)", "Units", "Units")
