"""FRED's frequencies as facts every layer shares: the short codes and long names, how far
apart the observations of each frequency are, how many of them make a season and a year, and
the one rule that infers a frequency from observation dates.

Why one module: ingest labels a series it knows only by its dates (a CSV, the sandbox) and
the marts show that label, while forecasting picks its calendar and season from the label or,
lacking one, from the same dates. With two rules a 40-day spacing was quarterly in the marts
and monthly in the forecast. "models" is the storage package; this module is on its bottom
floor (standard library only) so ingest, forecasting and the API can all import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from statistics import median

#: FRED's ``frequency_short`` codes, shortest spacing first, with the long name FRED gives
#: each (``frequency``). BW = biweekly, SA = semiannual. Daily and weekly names carry a
#: qualifier (``frequency_name``).
FREQUENCY_NAMES: dict[str, str] = {
    "D": "Daily",
    "W": "Weekly",
    "BW": "Biweekly",
    "M": "Monthly",
    "Q": "Quarterly",
    "SA": "Semiannual",
    "A": "Annual",
}
FREQUENCIES: tuple[str, ...] = tuple(FREQUENCY_NAMES)
#: FRED's (frequency, frequency_short) for a series with no frequency.
NOT_APPLICABLE: tuple[str, str] = ("Not Applicable", "NA")
#: FRED's name of a daily series that also reports weekends (DFF), as opposed to "Daily" or
#: "Daily, Close" for business days.
SEVEN_DAY_NAME = "Daily, 7-Day"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The spacings in days FRED's own series show between consecutive observations, as
#: (shortest, longest) of the usual spacing: business days 1 (a weekend or a holiday makes
#: some gaps 3-5 days, never the median), weeks 7, two weeks 14, months 28-31, quarters 90-92,
#: half years 181-184, years 365-366.
SPACING_DAYS: dict[str, tuple[int, int]] = {
    "D": (1, 1),
    "W": (7, 7),
    "BW": (14, 14),
    "M": (28, 31),
    "Q": (90, 92),
    "SA": (181, 184),
    "A": (365, 366),
}

#: (largest median spacing in days, code), shortest first: the limit between two neighbouring
#: frequencies lies halfway between the longest spacing of the shorter one and the shortest of
#: the longer one (e.g. 60.5 between monthly's 31 and quarterly's 90), so a series is labelled
#: with the frequency whose real spacing is nearest and an irregular one (a missing month, a
#: holiday week) stays where it belongs: 40 or 46 days is monthly, 85 or 100 days quarterly.
#: Annual reaches halfway to a two-year spacing; anything sparser has no frequency.
SPACING_LIMITS: tuple[tuple[float, str], ...] = (
    *(((SPACING_DAYS[a][1] + SPACING_DAYS[b][0]) / 2, a) for a, b in pairwise(FREQUENCIES)),
    ((SPACING_DAYS["A"][1] + 2 * SPACING_DAYS["A"][0]) / 2, "A"),
)

#: Share of weekend dates above which a daily series counts as 7-day: a 7-day series has
#: 2/7 (29 %) of its dates on weekends, a business-day one none, though FRED's business-day
#: series carry the odd weekend date (BAMLH0A0HYM2: 1.3 %).
SEVEN_DAY_WEEKEND_SHARE = 0.10

#: Observations per season: a business week for business-daily data (a calendar week for
#: 7-day series), a year for weekly to semiannual data; annual data has no season.
SEASON_LENGTHS: dict[str, int] = {"D": 5, "W": 52, "BW": 26, "M": 12, "Q": 4, "SA": 2}
SEVEN_DAY_SEASON = 7

#: Observations per year, to put time in years ("D" in business days). A continuous scale;
#: FRED's integer ``n_obs_per_yr`` (260 business days, 52 weeks) is the dbt macro
#: ``obs_per_year``'s, the exponent of annualised units.
STEPS_PER_YEAR: dict[str, float] = {
    "D": 261.0,
    "W": 365.25 / 7,
    "BW": 365.25 / 14,
    "M": 12.0,
    "Q": 4.0,
    "SA": 2.0,
    "A": 1.0,
}
SEVEN_DAY_STEPS_PER_YEAR = 365.25


class UnknownFrequencyError(ValueError):
    """A frequency we have no calendar rule for, or dates too few or sparse to infer one."""


def normalize_frequency(code: str) -> str:
    """FRED's short code ("M") or long name ("Weekly, Ending Friday") as a short code."""
    text = (code or "").strip().upper()
    if text in FREQUENCIES:
        return text
    head = text.split(",")[0].split(" ")[0].replace("-", "")
    for short, name in FREQUENCY_NAMES.items():
        if head == name.upper():
            return short
    raise UnknownFrequencyError(
        f"unknown frequency {code!r}; expected one of {', '.join(FREQUENCIES)}"
    )


def infer_frequency(dates: Iterable[date]) -> str:
    """The short code whose spacing is nearest the median spacing of ``dates`` (any order).

    The median ignores holiday gaps and irregular early history (UMCSENT was quarterly before
    1978 but is a monthly series). Raises ``UnknownFrequencyError`` for fewer than two dates
    or a spacing beyond annual.
    """
    ordered = sorted(dates)
    if len(ordered) < 2:
        raise UnknownFrequencyError("cannot infer a frequency from fewer than 2 dates")
    spacing = median((b - a).days for a, b in pairwise(ordered))
    for upper, code in SPACING_LIMITS:
        if spacing <= upper:
            return code
    raise UnknownFrequencyError(f"median spacing of {spacing:g} days matches no frequency")


def is_seven_day(dates: Iterable[date]) -> bool:
    """Whether daily ``dates`` include weekends as a rule (FRED "Daily, 7-Day")."""
    weekdays = [d.weekday() for d in dates]
    if not weekdays:
        return False
    weekend = sum(1 for day in weekdays if day >= 5)
    return weekend / len(weekdays) > SEVEN_DAY_WEEKEND_SHARE


def frequency_name(code: str, dates: Iterable[date]) -> str:
    """FRED's long name of frequency ``code`` for a series with ``dates`` (ascending)."""
    ordered = list(dates)
    if code == "D" and is_seven_day(ordered):
        return SEVEN_DAY_NAME
    if code == "W" and ordered:
        return f"{FREQUENCY_NAMES['W']}, Ending {_WEEKDAYS[ordered[-1].weekday()]}"
    return FREQUENCY_NAMES[code]


def describe_frequency(dates: Iterable[date]) -> tuple[str, str]:
    """FRED's (frequency, frequency_short) for a series known only by its dates; "Not
    Applicable" when ``infer_frequency`` finds none."""
    ordered = sorted(dates)
    try:
        code = infer_frequency(ordered)
    except UnknownFrequencyError:
        return NOT_APPLICABLE
    return frequency_name(code, ordered), code


def seasonal_period(freq: str, *, business_days: bool = True) -> int | None:
    """Observations per season, or None when the frequency has no season (annual)."""
    code = normalize_frequency(freq)
    if code == "D" and not business_days:
        return SEVEN_DAY_SEASON
    return SEASON_LENGTHS.get(code)


def steps_per_year(freq: str, *, business_days: bool = True) -> float:
    """Observations per year of ``freq`` (calendar days for a 7-day daily series)."""
    code = normalize_frequency(freq)
    if code == "D" and not business_days:
        return SEVEN_DAY_STEPS_PER_YEAR
    return STEPS_PER_YEAR[code]
