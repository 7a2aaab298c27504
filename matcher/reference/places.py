"""Groupings of places that the country data does not carry: UN M49's intermediate groupings, and
the territories where nobody lives.

The countries' ``subregion`` (from country_converter's UNregion column, see data/countries.csv) is
the finest M49 level. M49 also groups some of those: its "Sub-Saharan Africa" (code 202) is the
four African sub-regions other than Northern Africa, and "Latin America and the Caribbean" (419)
the three American ones other than Northern America. Source: UN Statistics Division, Standard
country or area codes for statistical use (M49), https://unstats.un.org/unsd/methodology/m49/.
"""

from __future__ import annotations

M49_GROUPINGS: dict[str, tuple[str, ...]] = {
    "Sub-Saharan Africa": ("Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa"),
    "Latin America and the Caribbean": ("Caribbean", "Central America", "South America"),
}

# Territories with no permanent population: the CIA World Factbook gives each as "uninhabited" or
# as having "no indigenous inhabitants" (only rotating research, military or contractor staff).
# Nobody can host a visit there, so place pickers (the search's country list) leave them out.
# Antarctica (AQ) is not in data/countries.csv at all (M49 puts it in no region).
UNINHABITED: frozenset[str] = frozenset(
    {
        "BV",  # Bouvet Island
        "GS",  # South Georgia and the South Sandwich Islands
        "HM",  # Heard Island and McDonald Islands
        "IO",  # British Indian Ocean Territory
        "TF",  # French Southern Territories
        "UM",  # United States Minor Outlying Islands
    }
)

# The UN M49 code of each region, sub-region and grouping the data names, by its English name (as
# in data/countries.csv): the code names it in other languages from CLDR (Babel's territories),
# e.g. "014" is "Afrique orientale". Source: UN Statistics Division, M49 (as above).
M49_CODES: dict[str, str] = {
    "Africa": "002",
    "Americas": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
    "Northern Africa": "015",
    "Eastern Africa": "014",
    "Middle Africa": "017",
    "Southern Africa": "018",
    "Western Africa": "011",
    "Caribbean": "029",
    "Central America": "013",
    "South America": "005",
    "Northern America": "021",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
    "Sub-Saharan Africa": "202",
    "Latin America and the Caribbean": "419",
}

# Where CLDR's name for a code is narrower than M49's: its "419" is "Latin America" alone.
M49_NAMES: dict[str, dict[str, str]] = {
    "fr": {"419": "Amérique latine et Caraïbes"},
    "pt": {"419": "América Latina e Caraíbas"},
    "es": {"419": "América Latina y el Caribe"},
}
