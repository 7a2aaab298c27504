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
