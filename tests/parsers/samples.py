"""Three application layouts with the values each carries (golden JSON holds the answers).

net_metering_form: a utility's 3-page net metering form, labels left and values right,
    sections, ticked boxes; fillable (fields named like "ApplicantName") or flat.
small_generator_form: another utility's 2-page small generator form: two columns with
    generic labels ("Name", "Phone"), an inverter table, "Non-exporting", ZIP+4.
boxed_form: a vendor's one-page form with labels above the values, "[X]" marks, a combined
    "Manufacturer & Model #" box and ISO dates.
"""

from __future__ import annotations

from pdf_factory import TERMS, Layout, Row


def net_metering_form() -> Layout:
    """The 3-page net metering application (golden: net_metering_*.json)."""
    page1 = [
        Row("title", "Net Metering Interconnection Application"),
        Row("para", "For customer-generators applying for Tier 1 or Tier 2 review under "
                    "OAR 860-039. Complete all sections and sign page 3."),
        Row("heading", "Applicant Information"),
        Row("field", "Name of Interconnection Customer", "Marcus Bell", "ApplicantName"),
        Row("field", "Mailing Address", "PO Box 1187", "MailingAddress"),
        Row("field", "City, State, ZIP", "Portland, OR 97208-1187", "MailingCityStateZip"),
        Row("field", "Telephone (day/evening)", "(503) 555-0142", "CustomerPhone"),
        Row("field", "E-mail", "Marcus.Bell@Example.com", "CustomerEmail"),
        Row("heading", "Generating Facility Location"),
        Row("field", "Service Address", "4417 N Williams Ave", "SiteAddress"),
        Row("field", "City", "Portland", "SiteCity"),
        Row("field", "State", "Oregon", "SiteState"),
        Row("field", "ZIP", "97217", "SiteZip"),
        Row("field", "Electric Account #", "8827 4410 22", "AccountNo"),
        Row("field", "Meter Number", "PGE-551902", "MeterNo"),
    ]
    page2 = [
        Row("heading", "Generator Information"),
        Row("check", "Energy Source", name="EnergySource",
            options=("Solar PV", "Wind", "Battery Storage", "Other"),
            ticked=("Solar PV", "Battery Storage")),
        Row("field", "Nameplate Rating (kVA/kW AC)", "7,600 W", "NameplateKWAC"),
        Row("field", "DC Rating", "DC: 9.6 kW", "DCRating"),
        Row("field", "Maximum Export Capacity", "7.6 kW", "ExportKW"),
        Row("field", "Inverter Manufacturer", "SolarEdge", "InverterMfr"),
        Row("field", "Inverter Model", "SE7600H-US", "InverterModel"),
        Row("field", "Number of Inverters", "1", "InverterQty"),
        Row("check", "Is the inverter UL 1741 certified", name="UL1741",
            options=("Yes", "No"), ticked=("Yes",)),
        Row("field", "Battery Capacity", "13.5 kWh", "BatteryKWh"),
        Row("field", "Battery Power Rating", "5 kW", "BatteryKW"),
        Row("heading", "Installer Information"),
        Row("field", "Installation Contractor", "Bridgetown Solar LLC", "InstallerCompany"),
        Row("field", "Contact Person", "Dana Whitfield", "InstallerContact"),
        Row("field", "Phone", "503.555.0199", "InstallerPhone"),
        Row("field", "Email", "Permits@BridgetownSolar.example", "InstallerEmail"),
        Row("field", "Contractor License No.", "CCB 212345", "LicenseNo"),
    ]
    page3 = [
        Row("heading", "Terms and Conditions"),
        Row("para", TERMS),
        Row("para", TERMS),
        Row("heading", "Customer Signature"),
        Row("field", "Signature", "/s/ Marcus Bell", "CustomerSignature"),
        Row("field", "Date", "11/03/2026", "SignatureDate"),
    ]
    return Layout([page1, page2, page3])


def small_generator_form() -> Layout:
    """The 2-page, two-column small generator application (golden: small_generator.json)."""
    page1 = [
        Row("title", "Small Generator Facility Interconnection Application"),
        Row("para", "Tier 1 through Tier 4 review under OAR 860-082. Attach spec sheets."),
        Row("heading", "APPLICANT INFORMATION"),
        Row("heading", "INSTALLER INFORMATION", column=1),
        Row("field", "Name", "Rivera Family Farms LLC", "a_name"),
        Row("field", "Company", "Cascade Sun Works Inc.", "i_company", column=1),
        Row("field", "Address", "2250 SE Harmony Rd, Milwaukie, Oregon 97222", "a_addr"),
        Row("field", "Contact", "Lee Park", "i_contact", column=1),
        Row("field", "Phone", "503-555-0177", "a_phone"),
        Row("field", "Phone", "+1 971 555 0123", "i_phone", column=1),
        Row("field", "Email", "ops@riverafarms.example", "a_email"),
        Row("field", "Email", "LPARK@CASCADESUN.EXAMPLE", "i_email", column=1),
        Row("field", "CCB #", "219876", "i_ccb", column=1),
        Row("heading", "FACILITY LOCATION"),
        Row("field", "Address of Facility", "2250 SE Harmony Rd", "f_addr"),
        Row("field", "City/State/ZIP", "Milwaukie, OR 97222-4410", "f_csz"),
        Row("field", "Service ID #", "55-01234-7", "f_account"),
        Row("field", "Existing Meter No.", "778 210 34", "f_meter"),
        Row("heading", "GENERATING FACILITY INFORMATION"),
        Row("field", "Type of Generator", "Solar photovoltaic", "g_type"),
        Row("field", "Power Rating", "7.24 kW AC", "g_ac"),
        Row("field", "PV Array Size", "9,120 W DC", "g_dc"),
        Row("field", "Maximum Export Capacity", "Non-exporting", "g_export"),
        Row("table", options=("Manufacturer", "Model", "Qty", "Rating (W AC)"),
            rows=(("Enphase", "IQ8PLUS-72-2-US", "16", "290"),
                  ("Enphase", "IQ8M-72-2-US", "8", "325"))),
        Row("field", "Certification", "UL 1741 SB", "g_cert"),
    ]
    page2 = [
        Row("para", TERMS),
        Row("field", "Signature of Interconnection Customer", "Ana Rivera", "sig"),
        Row("field", "Date Signed", "November 3, 2026", "sig_date"),
    ]
    return Layout([page1, page2], label_x=(54, 340), value_x=(110, 400), size=9)


def boxed_form() -> Layout:
    """The 1-page vendor form with labels above values (golden: boxed.json)."""
    page = [
        Row("title", "Application for Interconnection of a Customer-Owned Generator"),
        Row("field", "Interconnection Type", "[X] Net Metering   [ ] Small Generator", "t"),
        Row("field", "Customer-Generator", "Priya Natarajan", "n"),
        Row("field", "Telephone (Day/Evening)", "541-555-0110 ext. 4", "p"),
        Row("field", "E-mail", "priya.n@example.org", "e"),
        Row("field", "Installation Address", "88 Elm St", "sa"),
        Row("field", "City, State, ZIP", "Bend, OR 97701", "sc"),
        Row("field", "Electric Account Number", "3300-1192-7", "ac"),
        Row("field", "Meter #", "M 0048812", "m"),
        Row("field", "Nameplate Rating (kVA/kW AC)", "11.4kW AC", "np"),
        Row("field", "Nameplate Capacity in kW (DC)", "13.2", "dc"),
        Row("field", "Export Capacity", "11.4", "ex"),
        Row("field", "Manufacturer & Model #", "Fronius Primo 11.4-1", "mm"),
        Row("field", "Quantity", "1", "q"),
        Row("field", "UL 1741 Listed", "[X] Yes   [ ] No", "ul"),
        Row("field", "Contractor Who Will Install", "High Desert Solar Co.", "ic"),
        Row("field", "Contractor's License No.", "CCB-208811", "il"),
        Row("field", "Customer-Generator Signature", "Priya Natarajan", "s"),
        Row("field", "Date", "2026-11-03", "d"),
    ]
    return Layout([page], size=9, labels_above=True)
