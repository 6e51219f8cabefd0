"""Held-out layouts modelled on utilities' own forms (see `heldout` for the idea)."""

from __future__ import annotations

from heldout import Heldout, answers
from heldout_draw import Sheet

TERMS = (
    "By signing below the Customer certifies that the information provided is true and that "
    "the generating facility will not be operated in parallel with the Company's system until "
    "the Company has given written permission to operate. Any change to the nameplate "
    "capacity requires a new application."
)


def _left(sheet: Sheet, y: float, label: str, value: str, name: str | None = None,
          vx: float = 230, width: float = 330) -> float:
    sheet.text(46, y, label, 9)
    sheet.underline(vx, y, width)
    sheet.value(vx, y, width, value, name)
    return y - 21


def solar_payment_option(fillable: bool) -> bytes:
    """PGE-style form, fillable with Acrobat's auto names beside printed labels."""
    s = Sheet(fillable)
    s.text(40, 750, "Portland General Electric", 11, bold=True)
    s.text(40, 732, "Net Metering Application - Residential Solar (Level 1)", 14, bold=True)
    y = s.para(40, 712, "Please type or print. Attach the one-line diagram and inverter spec "
                        "sheet. Incomplete applications will be returned.", 520)
    s.bar(y, "CUSTOMER INFORMATION")
    y -= 24
    y = _left(s, y, "Customer name (as shown on the bill)", "Hannah Okafor")
    y = _left(s, y, "Mailing address", "1520 SE Alder St Apt 4")
    y = _left(s, y, "City / State / Zip", "Portland, Oregon 97214-3321")
    y = _left(s, y, "Daytime phone", "+1 (503) 555-0142")
    y = _left(s, y, "Email address", "HOkafor@Example.net")
    s.bar(y, "INSTALLATION SITE")
    y -= 24
    y = _left(s, y, "Installation address", "1520 SE Alder St")
    y = _left(s, y, "City", "Portland", width=120)
    y = _left(s, y, "State", "Oregon", width=120)
    y = _left(s, y, "Zip", "97214-3321", width=120)
    y = _left(s, y, "PGE account number where system will be installed", "0123 456 789", vx=300,
              width=260)
    y = _left(s, y, "PGE meter number where system will be installed", "M 774 120 55", vx=300,
              width=260)
    s.bar(y, "SYSTEM INFORMATION")
    y -= 24
    s.text(46, y, "Type of system:", 9)
    s.options(230, y, ("Solar PV", "Wind", "Fuel cell", "Other"), ("Solar PV",))
    y -= 21
    y = _left(s, y, "Generation capacity", "7600 watts")
    y = _left(s, y, "Nameplate capacity in kW (DC)", "8.64")
    y = _left(s, y, "Export capacity", "7.6kW-AC")
    y = _left(s, y, "Manufacturer & Model #", "SolarEdge SE7600H-USRGM")
    y = _left(s, y, "Number of inverters", "1")
    s.text(46, y, "UL 1741-SB listed:", 9)
    s.options(230, y, ("Yes", "No"), ("Yes",))
    y -= 21
    y = _left(s, y, "Estimated annual system production (kWh)", "9,850")
    y = _left(s, y, "Anticipated date when installation will go online", "12/15/2026", vx=300,
              width=260)
    s.bar(y, "INSTALLER")
    y -= 24
    y = _left(s, y, "Contractor who will install", "Rose City Solar Inc.")
    y = _left(s, y, "Contact name", "Luis Ortega")
    y = _left(s, y, "Phone", "503-555-0188 ext 2")
    y = _left(s, y, "Email", "permits@rosecitysolar.example")
    y = _left(s, y, "CCB #", "198765")
    s.page()
    s.bar(740, "CUSTOMER SIGNATURE")
    y = s.para(46, 716, TERMS, 500)
    y = _left(s, y, "Customer signature", "Hannah Okafor")
    _left(s, y, "Date", "Nov. 3, 2026")
    return s.bytes()


SOLAR_PAYMENT_OPTION = answers({
    "program": "net_metering",
    "applicant.name": "Hannah Okafor", "applicant.email": "hokafor@example.net",
    "applicant.phone": "5035550142",
    "applicant.mailing_address": "1520 SE Alder St Apt 4, Portland, OR 97214-3321",
    "site.address": "1520 SE Alder St", "site.city": "Portland", "site.state": "OR",
    "site.zip": "97214-3321", "site.account_number": "0123456789",
    "site.meter_number": "M77412055",
    "installer.company": "Rose City Solar Inc.", "installer.contact": "Luis Ortega",
    "installer.email": "permits@rosecitysolar.example", "installer.phone": "5035550188",
    "installer.license": "198765",
    "generator.type": "solar", "generator.nameplate_kw_ac": 7.6,
    "generator.nameplate_kw_dc": 8.64, "generator.export_kw": 7.6,
    "generator.inverter_manufacturer": "SolarEdge", "generator.inverter_model": "SE7600H-USRGM",
    "generator.inverter_quantity": 1, "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def two_column_level1(fillable: bool) -> bytes:
    """Pacific Power-style two-column form with generic labels under two headings."""
    s = Sheet(fillable)
    s.text(40, 748, "PACIFIC POWER", 12, bold=True)
    s.text(40, 730, "Oregon Net Metering Interconnection Application", 13, bold=True)
    s.text(40, 716, "Level 1 review - inverter-based facilities of 25 kW or less", 8.5)
    y = 690
    s.text(40, y, "CUSTOMER-GENERATOR", 10, bold=True)
    s.text(320, y, "INSTALLER / CONSULTING ENGINEER", 10, bold=True)
    left = [("Name", "Tom Lindqvist"), ("Mailing Address", "77 Birch Ln"),
            ("City", "Medford"), ("State", "OR"), ("Zip", "97501"),
            ("Phone", "(541) 555-0170"), ("E-mail", "tom.lindqvist@example.com")]
    right = [("Company", "Rogue Valley Renewables"), ("Contact", "Mia Chen"),
             ("Phone", "541.555.0123"), ("E-mail", "mia@rvrenew.example"),
             ("Contractor's License No.", "CCB 204410")]
    for number in range(len(left)):
        row_y = y - 22 - 20 * number
        s.text(40, row_y, f"{left[number][0]}:", 9)
        s.value(130, row_y, 170, left[number][1])
        if number < len(right):
            s.text(320, row_y, f"{right[number][0]}:", 9)
            s.value(440, row_y, 140, right[number][1])
    y -= 22 + 20 * len(left) + 10
    s.text(40, y, "FACILITY LOCATION", 10, bold=True)
    y -= 22
    for label, value in (("Service ID #", "4410 2277 9"), ("Meter #", "PP-0091233"),
                         ("Street Address", "1022 Old Stage Rd"),
                         ("City, State, Zip", "Central Point, OR 97502")):
        s.text(40, y, f"{label}:", 9)
        s.value(160, y, 300, value)
        y -= 20
    y -= 8
    s.text(40, y, "GENERATING FACILITY", 10, bold=True)
    y -= 22
    for label, value in (("Generation capacity", "11,400 W AC"), ("Array DC rating", "13.68 kW"),
                         ("Export capacity", "11.4 kW"), ("Inverter manufacturer", "Fronius"),
                         ("Inverter model", "Primo 11.4-1"), ("Quantity", "1"),
                         ("Certification", "UL 1741 SA")):
        s.text(40, y, f"{label}:", 9)
        s.value(160, y, 300, value)
        y -= 20
    s.text(40, y, "Energy source:", 9)
    s.options(160, y, ("Solar", "Wind", "Hydro", "Other"), ("Solar",))
    y = s.para(40, y - 30, TERMS, 530)
    s.text(40, y, "Customer-Generator signature:", 9)
    s.value(190, y, 200, "/s/ Tom Lindqvist")
    s.text(400, y, "Date:", 9)
    s.value(430, y, 120, "2026/11/03")
    return s.bytes()


TWO_COLUMN_LEVEL1 = answers({
    "program": "net_metering",
    "applicant.name": "Tom Lindqvist", "applicant.email": "tom.lindqvist@example.com",
    "applicant.phone": "5415550170", "applicant.mailing_address": "77 Birch Ln, Medford, OR 97501",
    "site.address": "1022 Old Stage Rd", "site.city": "Central Point", "site.state": "OR",
    "site.zip": "97502", "site.account_number": "441022779", "site.meter_number": "PP-0091233",
    "installer.company": "Rogue Valley Renewables", "installer.contact": "Mia Chen",
    "installer.email": "mia@rvrenew.example", "installer.phone": "5415550123",
    "installer.license": "CCB 204410",
    "generator.type": "solar", "generator.nameplate_kw_ac": 11.4,
    "generator.nameplate_kw_dc": 13.68, "generator.export_kw": 11.4,
    "generator.inverter_manufacturer": "Fronius", "generator.inverter_model": "Primo 11.4-1",
    "generator.inverter_quantity": 1, "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def small_generator_txt(fillable: bool) -> bytes:
    """A small generator form, fillable with "txt_"/"chk_" field names beside the labels."""
    s = Sheet(fillable)
    s.text(40, 745, "Application for Small Generator Facility Tier 1 Interconnection", 13,
           bold=True)
    s.text(40, 729, "OAR 860-082-0040 - for lab-certified inverter-based facilities", 8.5)
    y = 700
    rows = [
        ("APPLICANT", None, None),
        ("Legal name of the Interconnection Customer", "txt_CustName",
         "Willamette Valley Creamery LLC"),
        ("Mailing address", "txt_MailAddr", "PO Box 310"),
        ("City", "txt_MailCity", "Aurora"), ("State", "txt_MailState", "Oregon"),
        ("Zip", "txt_MailZip", "97002"),
        ("Telephone (day)", "txt_CustTel", "503-555-0150"),
        ("E-mail", "txt_CustMail", "accounts@wvcreamery.example"),
        ("GENERATING FACILITY LOCATION", None, None),
        ("Facility location", "txt_FacAddr", "21500 Airport Rd NE"),
        ("City", "txt_FacCity", "Aurora"), ("State", "txt_FacState", "OR"),
        ("Zip", "txt_FacZip", "97002-9410"),
        ("Electric Account #", "txt_AcctNo", "55-77812-3"),
        ("Meter #", "txt_MeterNo", "77123009"),
        ("GENERATOR", None, None),
        ("Energy source", "txt_Fuel", "Solar photovoltaic"),
        ("Electric Nameplate Capacity", "txt_NameplateKVA", "25 kVA"),
        ("DC rating", "txt_DCkW", "30.2 kW DC"),
        ("Export capacity", "txt_ExportKW", "Non-export"),
        ("Inverter manufacturer", "txt_InvMfr", "SMA America"),
        ("Inverter model", "txt_InvModel", "Sunny Tripower CORE1 24-US"),
        ("Number of inverters", "txt_InvQty", "1"),
        ("INSTALLATION CONTRACTOR", None, None),
        ("Company", "txt_InstCo", "Valley Solar Electric"),
        ("Contact person", "txt_InstContact", "Greg Amundsen"),
        ("Phone", "txt_InstTel", "971-555-0101"),
        ("Email", "txt_InstMail", "greg@valleysolar.example"),
        ("Contractor's License No.", "txt_CCB", "CCB 187733"),
    ]
    for label, name, value in rows:
        if name is None:
            s.text(40, y, label, 10, bold=True)
            y -= 18
            continue
        s.text(48, y, f"{label}:", 9)
        s.value(250, y, 300, value or "", name)
        y -= 17.5
    s.check(48, y, True, "chk_UL1741")
    s.text(62, y, "Inverter is certified to UL 1741", 9)
    s.page()
    y = s.para(40, 740, TERMS, 530)
    s.text(40, y, "Interconnection Customer signature:", 9)
    s.value(250, y, 220, "Karen Velasquez", "txt_Sig")
    s.text(40, y - 20, "Date:", 9)
    s.value(250, y - 20, 150, "3 November 2026", "txt_SigDate")
    return s.bytes()


SMALL_GENERATOR_TXT = answers({
    "program": "small_generator",
    "applicant.name": "Willamette Valley Creamery LLC",
    "applicant.email": "accounts@wvcreamery.example", "applicant.phone": "5035550150",
    "applicant.mailing_address": "PO Box 310, Aurora, OR 97002",
    "site.address": "21500 Airport Rd NE", "site.city": "Aurora", "site.state": "OR",
    "site.zip": "97002-9410", "site.account_number": "55-77812-3", "site.meter_number": "77123009",
    "installer.company": "Valley Solar Electric", "installer.contact": "Greg Amundsen",
    "installer.email": "greg@valleysolar.example", "installer.phone": "9715550101",
    "installer.license": "CCB 187733",
    "generator.type": "solar", "generator.nameplate_kw_ac": 25.0,
    "generator.nameplate_kw_dc": 30.2, "generator.export_kw": 0.0,
    "generator.inverter_manufacturer": "SMA America",
    "generator.inverter_model": "Sunny Tripower CORE1 24-US",
    "generator.inverter_quantity": 1, "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})


LAYOUTS = [
    Heldout("solar_payment_option", solar_payment_option, SOLAR_PAYMENT_OPTION),
    Heldout("two_column_level1", two_column_level1, TWO_COLUMN_LEVEL1),
    Heldout("small_generator_txt", small_generator_txt, SMALL_GENERATOR_TXT),
]
