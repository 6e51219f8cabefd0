"""Two held-out layouts written after the parser changes, to check they generalise:
a municipal utility's form drawn with `pdf_factory` (fields named "Fld_101"...) and a
co-operative's form with labels under the lines their values are written on."""

from __future__ import annotations

from heldout import Heldout, answers
from heldout_draw import Sheet
from heldout_utility import TERMS
from pdf_factory import Layout, Row, render


def municipal(fillable: bool) -> bytes:
    """A city utility's net metering form; field names say nothing."""
    rows = [
        Row("title", "City of Ashwood Electric - Customer Generation Application"),
        Row("para", "Net metering service for customer-owned renewable generation."),
        Row("heading", "1. Customer-Generator"),
        Row("field", "Customer name", "Ingrid Solberg", "Fld_101"),
        Row("field", "Billing address", "PO Box 2210, Ashland, OR 97520-0076", "Fld_102"),
        Row("field", "Best contact phone", "(541)555-0190", "Fld_103"),
        Row("field", "E-mail address", "ingrid.solberg@example.com", "Fld_104"),
        Row("heading", "2. Location of Generating Facility"),
        Row("field", "Street", "145 Pine Ridge Ct", "Fld_105"),
        Row("field", "City/State/Zip", "Ashland, Oregon 97520", "Fld_106"),
        Row("field", "Utility account no.", "AE-330912", "Fld_107"),
        Row("field", "Meter serial no.", "88 310 442", "Fld_108"),
        Row("heading", "3. Equipment"),
        Row("check", "Generator type", name="Fld_109", options=("Photovoltaic", "Wind", "Micro-hydro"),
            ticked=("Photovoltaic",)),
        Row("field", "Total AC rating", "9.6 kW AC", "Fld_110"),
        Row("field", "Total DC rating", "11,840 W DC", "Fld_111"),
        Row("field", "Maximum export capacity", "9.6 kW", "Fld_112"),
        Row("field", "Inverter make/model", "SolarEdge SE9600H-US", "Fld_113"),
        Row("field", "Number of inverters", "1", "Fld_114"),
        Row("field", "UL 1741 certified (Y/N)", "Y", "Fld_115"),
        Row("heading", "4. Installer"),
        Row("field", "Company name", "Siskiyou Sun Electric", "Fld_116"),
        Row("field", "Contact name", "Omar Haddad", "Fld_117"),
        Row("field", "Phone", "541-555-0175", "Fld_118"),
        Row("field", "E-mail", "omar@siskiyousun.example", "Fld_119"),
        Row("field", "CCB license #", "201177", "Fld_120"),
        Row("heading", "5. Signature"),
        Row("field", "Customer signature", "Ingrid Solberg", "Fld_121"),
        Row("field", "Date", "Nov 3 2026", "Fld_122"),
    ]
    return render(Layout([rows], size=9), fillable=fillable)


MUNICIPAL = answers({
    "program": "net_metering",
    "applicant.name": "Ingrid Solberg", "applicant.email": "ingrid.solberg@example.com",
    "applicant.phone": "5415550190",
    "applicant.mailing_address": "PO Box 2210, Ashland, OR 97520-0076",
    "site.address": "145 Pine Ridge Ct", "site.city": "Ashland", "site.state": "OR",
    "site.zip": "97520", "site.account_number": "AE-330912", "site.meter_number": "88310442",
    "installer.company": "Siskiyou Sun Electric", "installer.contact": "Omar Haddad",
    "installer.email": "omar@siskiyousun.example", "installer.phone": "5415550175",
    "installer.license": "201177",
    "generator.type": "solar", "generator.nameplate_kw_ac": 9.6, "generator.nameplate_kw_dc": 11.84,
    "generator.export_kw": 9.6, "generator.inverter_manufacturer": "SolarEdge",
    "generator.inverter_model": "SE9600H-US", "generator.inverter_quantity": 1,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def under_the_line(fillable: bool) -> bytes:
    """A co-op form: values on lines, each label printed small under its line."""
    s = Sheet(fillable)
    s.text(40, 748, "Umpqua Valley Electric Cooperative", 12, bold=True)
    s.text(40, 732, "Small Generator Facility Interconnection Application (Tier 1)", 11, bold=True)
    rows = [
        ("MEMBER", [("Member / account holder name", "Delgado Vineyards Inc.", 300),
                    ("Account #", "40-1187-22", 200)]),
        (None, [("Mailing address", "PO Box 88, Roseburg, OR 97470", 300),
                ("Phone", "541 555 0148", 200)]),
        (None, [("E-mail", "office@delgadovineyards.example", 510)]),
        ("GENERATING FACILITY", [("Facility location", "2900 Melrose Rd", 300),
                                 ("Meter #", "UV 55321", 200)]),
        (None, [("City", "Roseburg", 200), ("State", "OR", 90), ("Zip", "97471-9012", 200)]),
        (None, [("Nameplate rating (kW AC)", "20", 160), ("DC rating (kW)", "24.5", 160),
                ("Export capacity (kW)", "0 (non-exporting)", 180)]),
        (None, [("Inverter manufacturer", "Sungrow", 160), ("Model", "SG20RT-P2", 160),
                ("Qty", "1", 180)]),
        ("INSTALLER", [("Installation contractor", "Umpqua Solar Works", 300),
                       ("CCB #", "CCB 188421", 200)]),
        (None, [("Contact", "Lena Fox", 160), ("Phone", "541-555-0111", 160),
                ("E-mail", "lena@umpquasolar.example", 180)]),
    ]
    y = 700
    for heading, cells in rows:
        if heading:
            s.text(40, y, heading, 9.5, bold=True)
            y -= 24
        x = 40.0
        for label, value, width in cells:
            s.underline(x, y, width - 12)
            s.value(x, y, width - 12, value)
            s.text(x, y - 12, label, 7)
            x += width
        y -= 34
    s.text(40, y, "Energy source:", 9)
    s.options(120, y, ("Solar", "Wind", "Hydro", "Biomass"), ("Solar",))
    s.text(330, y, "UL 1741 SB certified:", 9)
    s.options(430, y, ("Yes", "No"), ("Yes",))
    y = s.para(40, y - 28, TERMS, 530)
    for label, value, x, width in (("Member signature", "R. Delgado", 40, 260),
                                   ("Date", "3 Nov. 2026", 320, 160)):
        s.underline(x, y, width)
        s.value(x, y, width, value)
        s.text(x, y - 12, label, 7)
    return s.bytes()


UNDER_THE_LINE = answers({
    "program": "small_generator",
    "applicant.name": "Delgado Vineyards Inc.", "applicant.email": "office@delgadovineyards.example",
    "applicant.phone": "5415550148", "applicant.mailing_address": "PO Box 88, Roseburg, OR 97470",
    "site.address": "2900 Melrose Rd", "site.city": "Roseburg", "site.state": "OR",
    "site.zip": "97471-9012", "site.account_number": "40-1187-22", "site.meter_number": "UV55321",
    "installer.company": "Umpqua Solar Works", "installer.contact": "Lena Fox",
    "installer.email": "lena@umpquasolar.example", "installer.phone": "5415550111",
    "installer.license": "CCB 188421",
    "generator.type": "solar", "generator.nameplate_kw_ac": 20.0, "generator.nameplate_kw_dc": 24.5,
    "generator.export_kw": 0.0, "generator.inverter_manufacturer": "Sungrow",
    "generator.inverter_model": "SG20RT-P2", "generator.inverter_quantity": 1,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})

LAYOUTS = [
    Heldout("municipal", municipal, MUNICIPAL),
    Heldout("under_the_line", under_the_line, UNDER_THE_LINE),
]
