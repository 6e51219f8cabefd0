"""Held-out packets: an application behind a cover letter, and a two-page application
followed by a diagram, a site plan, spec sheets and a certificate (see `heldout`)."""

from __future__ import annotations

import pdf_documents as docs
from heldout import Heldout, answers
from heldout_draw import Sheet
from heldout_utility import TERMS

LETTER = (
    "Please find enclosed the signed net metering application for the residence of Mr. Arjun "
    "Mehta, together with the one-line diagram and the inverter data sheet. The system is "
    "a 6.0 kW roof-mounted array; the customer's account number and meter number are on the "
    "application. Should you need anything further, please call our office at 503-555-0100 "
    "or write to us. We would appreciate an approval before December 1, 2026."
)


def _cover_letter(sheet: Sheet) -> None:
    sheet.text(40, 740, "Lumen Electric & Solar", 14, bold=True)
    sheet.text(40, 724, "812 SW Main St, Suite 300  |  Tigard, OR 97223  |  lumen.example", 8)
    sheet.text(40, 690, "November 4, 2026", 10)
    sheet.text(40, 660, "Interconnection Coordinator", 10)
    sheet.text(40, 646, "Net Metering Department", 10)
    sheet.text(40, 616, "Dear Coordinator,", 10)
    y = sheet.para(40, 596, LETTER, 520, size=10)
    sheet.text(40, y, "Sincerely,", 10)
    sheet.text(40, y - 40, "Nora Blake, Permit Coordinator", 10)
    sheet.page()


def after_cover_letter(fillable: bool) -> bytes:
    """A cover letter, then a one-page application, then the diagram and a spec sheet."""
    s = Sheet(fillable)
    _cover_letter(s)
    s.text(40, 750, "Interconnection Application - Net Metering Facilities up to 25 kW", 12,
           bold=True)
    y = 720
    sections = [
        ("Section A: Customer", [("Applicant name", "Arjun Mehta"),
                                 ("Mailing address", "9150 SW Pfaffle St"),
                                 ("City/State/ZIP", "Tigard, OR 97223"),
                                 ("Telephone", "503.555.0127"),
                                 ("E-mail", "arjun.mehta@example.com")]),
        ("Section B: Service Location", [("Service address", "9150 SW Pfaffle St, Tigard, OR 97223"),
                                         ("Account #", "5512-0098-7"), ("Meter #", "1099 4402")]),
        ("Section C: Generator", [("Fuel type", "Solar"), ("Nameplate rating", "6 kW"),
                                  ("System size (DC)", "7.4 kW"),
                                  ("Maximum export capacity", "6 kW"),
                                  ("Inverter", "Generac PWRcell X7602"), ("Quantity", "1"),
                                  ("UL 1741 listed", "Yes")]),
        ("Section D: Installer", [("Installing contractor", "Lumen Electric & Solar"),
                                  ("Contact", "Nora Blake"), ("Phone", "503-555-0100"),
                                  ("Email", "permits@lumen.example"), ("CCB #", "215500")]),
        ("Section E: Signature", [("Applicant signature", "Arjun Mehta"),
                                  ("Date", "11/02/2026")]),
    ]
    for heading, rows in sections:
        s.text(40, y, heading, 10, bold=True)
        y -= 19
        for label, value in rows:
            s.text(52, y, label, 9)
            s.value(210, y, 340, value)
            y -= 18
        y -= 8
    s.page()
    return docs.join(s.bytes(), docs.one_line_diagram(), docs.spec_sheet(1))


AFTER_COVER_LETTER = answers({
    "program": "net_metering",
    "applicant.name": "Arjun Mehta", "applicant.email": "arjun.mehta@example.com",
    "applicant.phone": "5035550127",
    "applicant.mailing_address": "9150 SW Pfaffle St, Tigard, OR 97223",
    "site.address": "9150 SW Pfaffle St", "site.city": "Tigard", "site.state": "OR",
    "site.zip": "97223", "site.account_number": "5512-0098-7", "site.meter_number": "10994402",
    "installer.company": "Lumen Electric & Solar", "installer.contact": "Nora Blake",
    "installer.email": "permits@lumen.example", "installer.phone": "5035550100",
    "installer.license": "215500",
    "generator.type": "solar", "generator.nameplate_kw_ac": 6.0, "generator.nameplate_kw_dc": 7.4,
    "generator.export_kw": 6.0, "generator.inverter_manufacturer": "Generac",
    "generator.inverter_model": "PWRcell X7602", "generator.inverter_quantity": 1,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-02",
})


def long_packet(fillable: bool) -> bytes:
    """A two-page small generator application followed by eleven pages of attachments."""
    s = Sheet(fillable)
    s.text(40, 748, "Small Generator Interconnection Application", 14, bold=True)
    s.text(40, 732, "Tier 2 and Tier 4 review (OAR 860-082)", 9)
    y = 700
    s.bar(y, "1. INTERCONNECTION CUSTOMER")
    y -= 24
    for label, value in (("Name", "Hollis Creek Farm Cooperative"),
                         ("Address", "5100 Hollis Creek Rd"), ("City", "Scio"),
                         ("State", "OR"), ("Zip", "97374"), ("Phone", "(541) 555 0181"),
                         ("Email", "office@holliscreek.example")):
        s.text(46, y, label, 9)
        s.underline(180, y, 360)
        s.value(180, y, 360, value)
        y -= 19
    s.bar(y, "2. FACILITY")
    y -= 24
    for label, value in (("Facility location", "5100 Hollis Creek Rd, Scio, OR 97374"),
                         ("Electric account number", "100 200 3004"),
                         ("Meter number", "SC-22910"),
                         ("Generator type", "Solar photovoltaic"),
                         ("Nameplate rating (kW AC)", "48"),
                         ("DC nameplate", "60.5 kW"),
                         ("Export capacity", "48 kW")):
        s.text(46, y, label, 9)
        s.underline(180, y, 360)
        s.value(180, y, 360, value)
        y -= 19
    y = s.grid(46, y - 4, (160, 160, 60, 100),
               ("Manufacturer", "Model", "Quantity", "Rating (kW AC)"),
               (("CPS", "SCA25KTL-DO/US-208", "1", "25"), ("CPS", "SCA23KTL-DO/US-208", "1", "23")))
    s.text(46, y, "Certification:", 9)
    s.value(180, y, 360, "UL 1741 SB / IEEE 1547-2018")
    s.page()
    s.bar(740, "3. INSTALLER")
    y = 716
    for label, value in (("Contractor", "Santiam Power Systems"), ("Contact", "Wes Iverson"),
                         ("Phone", "541-555-0190"), ("Email", "wes@santiampower.example"),
                         ("License number", "CCB 199321")):
        s.text(46, y, label, 9)
        s.underline(180, y, 360)
        s.value(180, y, 360, value)
        y -= 19
    s.bar(y, "4. SIGNATURES")
    y = s.para(46, y - 24, TERMS, 510)
    for label, value in (("Customer signature", "Marta Hollis"), ("Date", "2026-11-03"),
                         ("Installer signature", "Wes Iverson"), ("Installer signature date", "2026-11-05")):
        s.text(46, y, label, 9)
        s.underline(180, y, 200)
        s.value(180, y, 200, value)
        y -= 19
    s.page()
    return docs.join(s.bytes(), docs.one_line_diagram(), docs.site_plan(), docs.spec_sheet(8),
                     docs.certificate_of_completion())


LONG_PACKET = answers({
    "program": "small_generator",
    "applicant.name": "Hollis Creek Farm Cooperative", "applicant.email": "office@holliscreek.example",
    "applicant.phone": "5415550181", "applicant.mailing_address": "5100 Hollis Creek Rd, Scio, OR 97374",
    "site.address": "5100 Hollis Creek Rd", "site.city": "Scio", "site.state": "OR",
    "site.zip": "97374", "site.account_number": "1002003004", "site.meter_number": "SC-22910",
    "installer.company": "Santiam Power Systems", "installer.contact": "Wes Iverson",
    "installer.email": "wes@santiampower.example", "installer.phone": "5415550190",
    "installer.license": "CCB 199321",
    "generator.type": "solar", "generator.nameplate_kw_ac": 48.0, "generator.nameplate_kw_dc": 60.5,
    "generator.export_kw": 48.0, "generator.inverter_manufacturer": "CPS",
    "generator.inverter_model": "SCA25KTL-DO/US-208; SCA23KTL-DO/US-208",
    "generator.inverter_quantity": 2, "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})

LAYOUTS = [
    Heldout("after_cover_letter", after_cover_letter, AFTER_COVER_LETTER),
    Heldout("long_packet", long_packet, LONG_PACKET),
]
