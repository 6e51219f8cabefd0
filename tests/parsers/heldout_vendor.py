"""Held-out layouts modelled on installers' and vendors' forms (see `heldout`)."""

from __future__ import annotations

from heldout import Heldout, answers
from heldout_draw import Sheet
from heldout_utility import TERMS


def cells(fillable: bool) -> bytes:
    """A portal print-out: bordered cells, small labels above values, snake_case names."""
    s = Sheet(fillable)
    s.text(40, 748, "Customer-Owned Generation Interconnection Application", 13, bold=True)
    s.text(40, 733, "Net Metering (Tier 1) - submit with one-line diagram", 9)
    rows = [
        ("APPLICANT", [(230, "Owner", "customer_legal_name", "Oksana Petrenko"),
                       (130, "Phone", "customer_phone", "971-555-0177"),
                       (172, "E-mail", "customer_email", "oksana.p@example.com")]),
        (None, [(532, "Mailing address", "customer_mailing_address",
                 "PO Box 55, Hood River, OR 97031")]),
        ("SITE", [(230, "Installation address", "site_street", "3300 Belmont Dr"),
                  (140, "City", "site_city_name", "Hood River"),
                  (70, "State", "site_state_code", "Oregon"),
                  (92, "ZIP", "site_postal", "97031-8812")]),
        (None, [(266, "Electric Account #", "acct_number", "600 112 7781"),
                (266, "Meter #", "meter_id", "HR-55120")]),
        ("EQUIPMENT", [(178, "Maximum kW output", "max_kw_output", "9.6 kW"),
                       (177, "Nameplate capacity in kW (DC)", "dc_capacity", "12.0"),
                       (177, "Export capacity", "export_cap", "9.6")]),
        (None, [(178, "Inverter make", "inv_make", "Enphase Energy"),
                (250, "Inverter model", "inv_model", "IQ8H-240-72-2-US"),
                (104, "Qty", "inv_count", "24")]),
        (None, [(266, "Battery capacity (kWh)", "ess_kwh", "13.44"),
                (266, "Battery power (kW)", "ess_kw", "7.68")]),
        ("INSTALLER", [(220, "System installer/consulting engineer", "installer_business",
                        "Gorge Solar Collective"),
                       (162, "Contact", "installer_person", "Pete Aalto"),
                       (150, "Phone", "installer_tel", "541-555-0144")]),
        (None, [(300, "E-mail", "installer_mail", "pete@gorgesolar.example"),
                (232, "CCB #", "installer_ccb", "210099")]),
        ("SIGNATURE", [(300, "Customer signature", "cust_sig", "Oksana Petrenko"),
                       (232, "Date", "cust_sig_date", "2026/11/03")]),
    ]
    y = 712
    for heading, cells_ in rows:
        if heading:
            s.bar(y, heading)
            y -= 10
        x = 40.0
        for width, label, name, value in cells_:
            s.cell(x, y, width, label, value, name)
            x += width
        y -= 30
        if heading == "EQUIPMENT":
            s.text(44, y - 12, "Energy source:", 8)
            s.options(110, y - 12, ("Solar PV", "Battery storage", "Wind", "Other"),
                      ("Solar PV", "Battery storage"),
                      names=("src_pv", "src_batt", "src_wind", "src_other"))
            s.text(380, y - 12, "UL 1741:", 8)
            s.options(420, y - 12, ("Yes", "No"), ("Yes",), names=("ul_yes", "ul_no"))
            y -= 24
    return s.bytes()


CELLS = answers({
    "program": "net_metering",
    "applicant.name": "Oksana Petrenko", "applicant.email": "oksana.p@example.com",
    "applicant.phone": "9715550177",
    "applicant.mailing_address": "PO Box 55, Hood River, OR 97031",
    "site.address": "3300 Belmont Dr", "site.city": "Hood River", "site.state": "OR",
    "site.zip": "97031-8812", "site.account_number": "6001127781", "site.meter_number": "HR-55120",
    "installer.company": "Gorge Solar Collective", "installer.contact": "Pete Aalto",
    "installer.email": "pete@gorgesolar.example", "installer.phone": "5415550144",
    "installer.license": "210099",
    "generator.type": "solar_storage", "generator.nameplate_kw_ac": 9.6,
    "generator.nameplate_kw_dc": 12.0, "generator.export_kw": 9.6,
    "generator.inverter_manufacturer": "Enphase Energy",
    "generator.inverter_model": "IQ8H-240-72-2-US", "generator.inverter_quantity": 24,
    "generator.inverter_ul1741": True, "generator.storage_kwh": 13.44,
    "generator.storage_kw": 7.68,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def equipment_table(fillable: bool) -> bytes:
    """A flat vendor form whose equipment is a bordered table: two inverter models, a battery
    and the modules as rows; the quantities of inverters add up."""
    s = Sheet(fillable)
    s.text(40, 748, "SunHarbor Energy - Interconnection Application Packet", 13, bold=True)
    s.text(40, 732, "Prepared for: Northwest Natural Power Co. Net Metering Program", 9)
    y = 704
    for label, value in (("Applicant", "Desmond & Alia Frye"),
                         ("Mailing address", "18 Orchard Way, Hood River, Oregon 97031"),
                         ("Phone", "541-555-0102"), ("Email", "frye.home@example.net"),
                         ("Site address", "18 Orchard Way, Hood River, OR 97031"),
                         ("Account number", "3456-7788-01"), ("Meter number", "77881234")):
        s.text(40, y, f"{label}:", 9)
        s.value(170, y, 380, value)
        y -= 18
    y -= 8
    s.text(40, y, "Equipment", 10, bold=True)
    y = s.grid(40, y - 8, (90, 110, 140, 50, 110),
               ("Equipment type", "Manufacturer", "Model #", "Qty", "AC rating each (W)"),
               (("Inverter", "Enphase", "IQ8PLUS-72-2-US", "18", "290"),
                ("Inverter", "Enphase", "IQ8A-72-2-US", "6", "349"),
                ("Battery", "Enphase", "IQ Battery 5P", "2", "3840"),
                ("PV module", "REC", "REC410AA Pure-R", "24", "410 DC")))
    for label, value in (("Generating capacity", "7.31 kW"), ("DC rating", "9.84 kW"),
                         ("Export capacity", "7.31 kW"), ("Battery capacity", "10 kWh"),
                         ("Battery power", "7.68 kW"),
                         ("System type", "Solar PV with battery storage"),
                         ("UL 1741-SB listed", "Yes")):
        s.text(40, y, f"{label}:", 9)
        s.value(170, y, 380, value)
        y -= 18
    y -= 8
    s.text(40, y, "Installer", 10, bold=True)
    y -= 18
    for label, value in (("Installation company", "SunHarbor Energy LLC"),
                         ("Contact", "Rafael Ibarra"), ("Phone", "+1 (541) 555-0199"),
                         ("Email", "interconnect@sunharbor.example"),
                         ("Oregon CCB #", "224410")):
        s.text(40, y, f"{label}:", 9)
        s.value(170, y, 380, value)
        y -= 18
    y = s.para(40, y - 6, TERMS, 530)
    s.text(40, y, "Applicant signature:", 9)
    s.value(170, y, 180, "Alia Frye")
    s.text(360, y, "Date:", 9)
    s.value(390, y, 150, "November 3rd, 2026")
    return s.bytes()


EQUIPMENT_TABLE = answers({
    "program": "net_metering",
    "applicant.name": "Desmond & Alia Frye", "applicant.email": "frye.home@example.net",
    "applicant.phone": "5415550102",
    "applicant.mailing_address": "18 Orchard Way, Hood River, OR 97031",
    "site.address": "18 Orchard Way", "site.city": "Hood River", "site.state": "OR",
    "site.zip": "97031", "site.account_number": "3456-7788-01", "site.meter_number": "77881234",
    "installer.company": "SunHarbor Energy LLC", "installer.contact": "Rafael Ibarra",
    "installer.email": "interconnect@sunharbor.example", "installer.phone": "5415550199",
    "installer.license": "224410",
    "generator.type": "solar_storage", "generator.nameplate_kw_ac": 7.31,
    "generator.nameplate_kw_dc": 9.84, "generator.export_kw": 7.31,
    "generator.inverter_manufacturer": "Enphase",
    "generator.inverter_model": "IQ8PLUS-72-2-US; IQ8A-72-2-US",
    "generator.inverter_quantity": 24, "generator.inverter_ul1741": True,
    "generator.storage_kwh": 10.0, "generator.storage_kw": 7.68,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def inline_runs(fillable: bool) -> bytes:
    """A dense one-page form: several "Label: value" pairs on each printed line."""
    s = Sheet(fillable)
    s.text(40, 748, "Net Metering Interconnection Application (Tier 1)", 13, bold=True)
    lines = [
        [("Customer-Generator", "Jane Q. Doe", 190), ("Phone", "503-555-0142 ext 2", 130)],
        [("E-mail", "jane.doe@example.com", 190), ("Mailing address", "PO Box 9, Sisters, OR 97759", 0)],
        [("Installation address", "71 Cascade Ave", 190), ("City", "Sisters", 90),
         ("State", "Oregon", 90), ("Zip", "97759", 0)],
        [("Account No.", "2211-0093-5", 190), ("Meter No.", "S-7745120", 0)],
        [("System type", "Solar PV", 190), ("Power rating", "3.8 kW AC", 0)],
        [("DC rating", "4,560 W", 190), ("Export", "none", 0)],
        [("Manufacturer & Model #", "SMA Sunny Boy 3.8-US", 250), ("Qty", "1", 0)],
        [("UL 1741-SB listed", "Yes", 190)],
        [("Installer", "High Lakes Solar", 190), ("Contact", "Ben Marsh", 0)],
        [("Installer phone", "541-555-0160", 190), ("Installer email", "ben@highlakes.example", 0)],
        [("CCB #", "207781", 190)],
    ]
    y = 716
    for line in lines:
        x = 40.0
        for label, value, width in line:
            s.text(x, y, f"{label}:", 9)
            start = x + s.canvas.stringWidth(f"{label}:", "Helvetica", 9) + 5
            room = (x + width if width else 560) - start - 8
            s.value(start, y, room, value)
            x += width
        y -= 22
    y = s.para(40, y - 6, TERMS, 530)
    s.text(40, y, "Signature:", 9)
    s.value(90, y, 200, "Jane Q. Doe")
    s.text(320, y, "Date signed:", 9)
    s.value(380, y, 150, "Nov. 3, 2026")
    return s.bytes()


INLINE_RUNS = answers({
    "program": "net_metering",
    "applicant.name": "Jane Q. Doe", "applicant.email": "jane.doe@example.com",
    "applicant.phone": "5035550142", "applicant.mailing_address": "PO Box 9, Sisters, OR 97759",
    "site.address": "71 Cascade Ave", "site.city": "Sisters", "site.state": "OR", "site.zip": "97759",
    "site.account_number": "2211-0093-5", "site.meter_number": "S-7745120",
    "installer.company": "High Lakes Solar", "installer.contact": "Ben Marsh",
    "installer.email": "ben@highlakes.example", "installer.phone": "5415550160",
    "installer.license": "207781",
    "generator.type": "solar", "generator.nameplate_kw_ac": 3.8, "generator.nameplate_kw_dc": 4.56,
    "generator.export_kw": 0.0, "generator.inverter_manufacturer": "SMA",
    "generator.inverter_model": "Sunny Boy 3.8-US", "generator.inverter_quantity": 1,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})

LAYOUTS = [
    Heldout("cells", cells, CELLS),
    Heldout("equipment_table", equipment_table, EQUIPMENT_TABLE, fillable=False),
    Heldout("inline_runs", inline_runs, INLINE_RUNS),
]
