"""Word lists: programs, energy sources, field-name prefixes and inverter makers.

Data like `synonyms`, kept apart so each table file stays readable; callers can read them
but the parser uses them as they are.
"""

from __future__ import annotations

# Words that name a program or an energy source, in titles, ticked options and radio values.
PROGRAM_WORDS: dict[str, tuple[str, ...]] = {
    "net_metering": ("net metering", "netmetering", "net metered", "net meter", "860-039", "nem"),
    "small_generator": (
        "small generator", "smallgenerator", "small generator facility", "sgip", "860-082",
        "small generator interconnection",
    ),
}
GENERATOR_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "solar": ("solar", "photovoltaic", "pv", "solar pv", "solarpv"),
    "wind": ("wind", "wind turbine"),
    "hydro": ("hydro", "hydroelectric", "micro-hydro", "microhydro"),
    "storage": ("battery", "storage", "energy storage", "ess", "batteries", "battery storage"),
    "fuel_cell": ("fuel cell", "fuelcell"),
    "other": ("other", "biomass", "biogas", "geothermal", "landfill gas", "digester gas"),
}

# Field-name prefixes that put a generic field name ("Phone") into a section.
SECTION_FIELD_PREFIXES: dict[str, tuple[str, ...]] = {
    "applicant": ("applicant", "customer", "cust", "owner", "mailing"),
    "installer": ("installer", "contractor", "inst"),
    "site": ("site", "service", "facility", "install", "installation", "premises"),
    "generator": ("generator", "gen", "inverter", "inv", "system"),
    "signature": ("signature", "sig"),
}

# Inverter makers, to split a combined "Manufacturer & Model" value; longest names first.
INVERTER_MAKERS: tuple[str, ...] = (
    "Yaskawa Solectria", "Schneider Electric", "SolarEdge", "Enphase Energy", "Enphase",
    "SMA America", "SMA", "Fronius", "Tesla", "Generac", "Sol-Ark", "SunPower", "Huawei",
    "Delta Electronics", "Delta", "APsystems", "AP Systems", "Chint Power", "CPS", "Sungrow",
    "Growatt", "Hoymiles", "Schneider", "OutBack Power", "OutBack", "Victron Energy", "Victron",
    "LG", "Panasonic", "Solectria", "ABB", "Power-One", "Ginlong", "Solis", "GoodWe", "Eaton",
    "KACO", "Hyundai", "SolArk", "FranklinWH", "Franklin", "EG4", "Fortress Power", "Qcells",
    "Q CELLS", "Chilicon", "NEP", "Northern Electric Power", "Darfon", "Ginlong Solis",
)
