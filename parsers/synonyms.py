"""Vocabularies: which form-field names and printed labels carry which contract value.

Data, not code: each utility's form names things differently (domain.md §4), so the tables
are plain mappings that a caller can extend (`settings.merge_synonyms`) or replace.

Keys are contract paths (`applicant.name`) plus a few parts the assembler joins or splits:
`*.city_state_zip`, `applicant.mailing_city` and friends, `generator.inverter_make_model`,
`installer.name` (company or contact, decided by what else the form states),
`signature.signature` (the signature itself), `ignore` (labels that must be recognised
so that their values are not taken for something else) and `elsewhere` (the same, and the
generic labels after them belong to someone else: "Installer signature ... Date").
Matching ignores case, punctuation and spacing; `#`, "No." and "Number" are equivalent.
"""

from __future__ import annotations

LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "applicant.name": (
        "applicant", "applicant name", "name of applicant", "customer name",
        "customer-generator", "customer-generator name", "name of customer-generator",
        "interconnection customer", "name of interconnection customer",
        "interconnection customer name", "legal name of the interconnection customer",
        "legal name of interconnection customer",
        "interconnection customer (match name on electric account)",
        "owner", "owner name", "property owner", "system owner", "account holder",
        "account holder name", "name on account", "name on electric account",
        "customer legal name", "applicant legal name", "applicant / customer name",
        "member", "member name", "member / account holder name", "cooperative member name",
    ),
    "applicant.email": (
        "applicant email", "applicant email address", "customer email", "customer email address",
        "owner email", "customer-generator email",
    ),
    "applicant.phone": (
        "applicant phone", "applicant telephone", "customer phone", "customer telephone",
        "telephone (day/evening)", "telephone (day)", "daytime phone", "owner phone",
        "customer phone number", "applicant phone number", "customer-generator phone",
    ),
    "applicant.mailing_address": (
        "mailing address", "applicant mailing address", "customer mailing address",
        "mailing address of the interconnection customer", "mailing address of applicant",
        "applicant address", "billing address", "owner mailing address",
    ),
    "site.address": (
        "site address", "service address", "installation address", "facility address",
        "facility location", "generator location", "project address", "project location",
        "address of customer facility where generator will be interconnected",
        "address of facility", "location of generating facility", "premises address",
        "generating facility address", "street address of facility", "system address",
        "system location", "service location address", "site street address",
    ),
    "site.account_number": (
        "account number", "electric account", "electric account number",
        "utility account number", "pge account number",
        "pge account number where system will be installed", "service id", "service id number",
        "customer account number", "electric service account number",
    ),
    "site.meter_number": (
        "meter number", "utility meter number", "pge meter number",
        "pge meter number where system will be installed", "existing meter number",
        "electric meter number", "meter serial number", "meter id", "meter serial",
    ),
    "installer.company": (
        "installer", "installer name", "installer company", "installing contractor", "installation contractor",
        "contractor", "contractor name", "contractor company", "contractor who will install",
        "system installer", "solar installer", "installer company name",
        "electrical contractor", "system installer/consulting engineer", "installer business name",
        "installation company", "contractor business name",
    ),
    "installer.contact": (
        "installer contact", "contractor contact", "installer contact name",
        "contractor contact name", "installer contact person",
    ),
    "installer.email": ("installer email", "contractor email", "installer email address"),
    "installer.phone": (
        "installer phone", "contractor phone", "installer telephone", "contractor telephone",
        "installer phone number",
    ),
    "installer.license": (
        "contractor license number", "contractor's license number", "contractor license",
        "license number", "ccb number", "ccb license number", "oregon ccb number", "ccb",
        "electrical contractor license", "electrical license number", "installer license",
        "installer license number", "contractor ccb number", "ccb license",
    ),
    "generator.type": (
        "generator type", "type of system", "type of generator", "energy source",
        "primary energy source", "fuel type", "prime mover", "generation type",
        "resource type", "type of generating facility", "system type", "facility type",
        "resource", "energy resource", "generation source",
    ),
    "generator.nameplate_kw_ac": (
        "nameplate rating", "nameplate rating (kva/kw ac)", "ac nameplate rating",
        "generation capacity", "maximum kw output", "power rating", "electric nameplate capacity",
        "nameplate capacity", "inverter nameplate rating", "system size (ac)", "system size ac",
        "total ac rating", "ac system size", "total nameplate rating", "aggregate nameplate rating",
        "generating capacity", "total generating capacity", "facility nameplate rating",
        "ac rating", "total inverter ac rating", "system ac rating",
    ),
    "generator.nameplate_kw_dc": (
        "nameplate capacity in kw (dc)", "dc rating", "system size (dc)", "system size dc",
        "dc system size", "pv array size", "array size", "total dc rating", "module stc total",
        "stc rating", "dc nameplate rating", "dc nameplate", "pv array rating", "array dc rating",
        "total module rating", "system size",
    ),
    "generator.export_kw": (
        "maximum export capacity", "export capacity", "max export", "maximum export",
        "export limit", "proposed export capacity", "maximum export kw", "export rating",
        "export", "export kw", "maximum physical export capability requested",
        "maximum physical export capability", "export capability",
    ),
    "generator.inverter_manufacturer": (
        "inverter manufacturer", "manufacturer", "inverter make", "make", "inverter brand",
    ),
    "generator.inverter_model": (
        "inverter model", "model", "model number", "inverter model number", "inverter model #",
    ),
    "generator.inverter_make_model": (
        "manufacturer & model #", "manufacturer and model", "inverter manufacturer and model",
        "inverter make/model", "make and model", "make/model", "inverter make and model",
        "inverter manufacturer and model no",
        "inverter", "inverter(s)",
    ),
    "generator.inverter_quantity": (
        "number of inverters", "inverter quantity", "quantity of inverters", "quantity",
        "qty", "number of units", "inverter count",
    ),
    "generator.inverter_ul1741": (
        "ul 1741", "ul 1741 listed", "ul 1741 certified", "ul1741", "ul 1741 sa", "ul 1741 sb",
        "is the inverter ul 1741 certified", "inverter ul 1741 certified",
        "is the inverter ul 1741 listed", "certified to ul 1741", "inverter certification",
        "ul 1741 compliant", "inverter ul 1741 listed", "ul 1741 certification",
        "is the inverter equipment ul 1741 listed", "is the equipment ul 1741 listed",
        "inverter is certified to ul 1741", "inverter is ul 1741 listed",
    ),
    "generator.storage_kwh": (
        "battery capacity", "storage capacity", "energy storage capacity",
        "battery energy capacity", "usable capacity", "storage (kwh)", "battery (kwh)",
        "ess capacity", "storage kwh", "battery kwh", "battery storage capacity",
        "usable energy", "energy capacity",
    ),
    "generator.storage_kw": (
        "battery power", "storage power", "battery inverter rating", "battery discharge rating",
        "ess power rating", "storage (kw)", "battery (kw)", "maximum discharge rate",
        "battery inverter power", "battery power rating", "storage power rating",
        "continuous discharge power", "ess power",
    ),
    "signature.signature": (
        "signature", "applicant signature", "customer signature", "signature of applicant",
        "customer-generator signature", "interconnection customer signature",
        "owner signature", "signature of interconnection customer", "signature of customer",
        "applicant's signature", "customer's signature", "signed", "member signature",
        "account holder signature", "owner's signature",
    ),
    "program": (
        "program", "interconnection type", "application type", "type of application",
        "program type", "type of interconnection", "will the facility be used for net metering",
        "net metering", "interconnection program", "requested program",
    ),
    "signature.date": (
        "date signed", "signature date", "applicant signature date", "date of signature",
        "customer signature date",
    ),
    "ignore": (
        "title", "print name", "printed name", "name (type or print)",
        "anticipated operation date", "anticipated date of operation",
        "anticipated date the facility will be operational",
        "anticipated date when installation will go online", "estimated annual production",
        "estimated annual kwh", "estimated annual system production", "fax",
        "telephone (evening)", "evening phone",
    ),
    "elsewhere": (
        "installer signature", "contractor signature", "utility signature", "pge signature",
        "installer signature date", "date received", "module manufacturer", "module model",
        "battery manufacturer", "battery model", "panel manufacturer", "utility use only",
        "for utility use only", "approved by",
    ),
}

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "applicant": (
        "applicant information", "customer information", "customer-generator information",
        "interconnection customer information", "applicant", "owner information",
        "applicant / customer information", "customer", "interconnection customer",
        "applicant contact information", "customer-generator", "member", "member information",
    ),
    "installer": (
        "installer information", "contractor information", "installing contractor",
        "installation contractor", "installer", "contractor", "installer / contractor",
        "installer/contractor information", "installation contractor information",
        "solar installer", "installer contact information",
    ),
    "site": (
        "site information", "facility location", "service location", "project location",
        "generator site", "installation location", "site location", "service address",
        "generating facility location", "location of generating facility", "site",
    ),
    "generator": (
        "generator information", "system information", "generating facility information",
        "equipment information", "inverter information", "generating facility",
        "system details", "generator", "energy storage", "battery storage",
        "generating facility technical information", "facility information",
    ),
    "signature": ("signatures", "customer signature", "applicant signature", "certification"),
}

_GENERIC_CONTACT: dict[str, tuple[str, ...]] = {
    "phone": ("phone", "telephone", "phone number", "tel", "daytime phone", "cell", "mobile"),
    "email": ("email", "email address"),
}

SECTION_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "applicant": {
        "applicant.name": ("name", "full name", "customer name", "legal name"),
        "applicant.phone": _GENERIC_CONTACT["phone"],
        "applicant.email": _GENERIC_CONTACT["email"],
        "applicant.mailing_address": ("address", "street address", "street", "mailing address"),
        "applicant.mailing_city": ("city",),
        "applicant.mailing_state": ("state",),
        "applicant.mailing_zip": ("zip", "zip code", "postal code", "zip+4"),
        "applicant.mailing_city_state_zip": ("city, state, zip", "city/state/zip"),
    },
    "site": {
        "site.address": ("address", "street address", "street", "service address"),
        "site.city": ("city",),
        "site.state": ("state",),
        "site.zip": ("zip", "zip code", "postal code", "zip+4"),
        "site.city_state_zip": ("city, state, zip", "city/state/zip"),
    },
    "installer": {
        "installer.name": ("name", "installer name", "contractor name"),
        "installer.company": ("company", "company name", "business name", "firm"),
        "installer.contact": ("contact", "contact name", "contact person"),
        "installer.phone": _GENERIC_CONTACT["phone"],
        "installer.email": _GENERIC_CONTACT["email"],
        "installer.license": ("license", "license number", "ccb number", "ccb"),
        "ignore": ("address", "street address", "city", "state", "zip", "zip code",
                   "city, state, zip", "city/state/zip"),
    },
    "generator": {
        "generator.inverter_manufacturer": ("manufacturer", "make"),
        "generator.inverter_model": ("model", "model number"),
        "generator.inverter_quantity": ("quantity", "qty"),
        "generator.inverter_ul1741": ("certification", "certifications", "listing", "ul listing"),
    },
    "signature": {
        "signature.date": ("date",),
        "applicant.name": ("print name", "printed name", "name"),
    },
}

# AcroForm field names are often the label squashed into an identifier ("ApplicantName",
# "txtSiteZip"); those are matched against LABEL_SYNONYMS too, so this table only needs the
# names that are not labels.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "applicant.name": ("applicant_name", "cust_name", "customer", "applicantname", "custname"),
    "applicant.email": ("applicant_email", "cust_email", "customer_email"),
    "applicant.phone": ("applicant_phone", "cust_phone", "customer_phone"),
    "applicant.mailing_address": ("mailing_address", "mailing_street", "applicant_address"),
    "applicant.mailing_city": ("mailing_city", "applicant_city"),
    "applicant.mailing_state": ("mailing_state", "applicant_state"),
    "applicant.mailing_zip": ("mailing_zip", "applicant_zip"),
    "site.address": ("site_address", "site_street", "service_address", "install_address"),
    "site.city": ("site_city", "service_city"),
    "site.state": ("site_state", "service_state"),
    "site.zip": ("site_zip", "service_zip"),
    "site.account_number": ("account_no", "acct_no", "account", "acct"),
    "site.meter_number": ("meter_no", "meter"),
    "installer.company": ("installer_company", "contractor_company", "installer"),
    "installer.contact": ("installer_contact", "contractor_contact"),
    "installer.email": ("installer_email", "contractor_email"),
    "installer.phone": ("installer_phone", "contractor_phone"),
    "installer.license": ("license_no", "ccb_no", "contractor_license", "ccb"),
    "generator.type": ("gen_type", "system_type", "energy_source"),
    "generator.nameplate_kw_ac": ("nameplate_kw_ac", "kw_ac", "ac_kw", "nameplate_ac"),
    "generator.nameplate_kw_dc": ("nameplate_kw_dc", "kw_dc", "dc_kw", "nameplate_dc"),
    "generator.export_kw": ("export_kw", "max_export_kw", "export"),
    "generator.inverter_manufacturer": ("inv_mfr", "inverter_mfr", "inv_make"),
    "generator.inverter_model": ("inv_model",),
    "generator.inverter_quantity": ("inv_qty", "inverter_qty", "num_inverters"),
    "generator.inverter_ul1741": ("ul1741", "ul_1741", "ul1741_listed", "ul1741_certified"),
    "generator.storage_kwh": ("storage_kwh", "battery_kwh"),
    "generator.storage_kw": ("storage_kw", "battery_kw"),
    "program": ("program", "interconnection_type", "application_type", "program_type"),
    "signature.signature": ("signature", "applicant_signature", "customer_signature", "sig"),
    "signature.date": ("signature_date", "date_signed", "sign_date", "sig_date"),
}
