"""Held-out layouts: a FERC-style small generator request, a battery-only form with
hierarchical field names, and a form whose long labels wrap in a narrow column."""

from __future__ import annotations

from heldout import Heldout, answers
from heldout_draw import Sheet
from heldout_utility import TERMS


def sgip_request(fillable: bool) -> bytes:
    """Attachment 2 style: long wrapped questions, "Yes [x] No [ ]" with boxes after words."""
    s = Sheet(fillable)
    s.text(40, 748, "Attachment 2", 9)
    s.text(40, 732, "SMALL GENERATOR INTERCONNECTION REQUEST", 13, bold=True)
    s.text(40, 717, "(Application Form)", 9)
    y = s.para(40, 698, "Transmission Provider: Idaho-Oregon Light & Power. Designated "
                        "contact person: Interconnection Desk.", 530)
    s.text(40, y, "Interconnection Customer Information", 10, bold=True)
    y -= 20
    s.text(40, y, "Legal Name of the Interconnection Customer (or, if an individual,", 9)
    s.text(40, y - 11, "individual's name)", 9)
    s.value(330, y, 230, "Dunmore Wind Partners LLC")
    y -= 30
    for label, value in (("Contact Person", "Ray Dunmore"), ("Mailing Address", "400 Ridge Rd"),
                         ("City", "Arlington"), ("State", "Oregon"), ("Zip", "97812"),
                         ("Telephone (Day)", "541-555-0110"), ("Telephone (Evening)", ""),
                         ("Fax", "541-555-0111"), ("E-Mail Address", "ray@dunmorewind.example")):
        s.text(40, y, f"{label}:", 9)
        s.value(330, y, 230, value)
        y -= 17
    s.text(40, y, "Facility location (if different from above):", 9)
    s.value(330, y, 230, "Hwy 19 Milepost 12, Arlington, OR 97812")
    y -= 17
    s.text(40, y, "Electric Service Account No.:", 9)
    s.value(330, y, 230, "7781-0022-41")
    y -= 17
    s.text(40, y, "Utility Meter No.:", 9)
    s.value(330, y, 230, "W 33019")
    y -= 26
    s.text(40, y, "Generating Facility Information", 10, bold=True)
    y -= 20
    s.text(40, y, "Energy Source:", 9)
    s.options(150, y, ("Solar", "Wind", "Hydro", "Fuel Cell", "Other"), ("Wind",))
    y -= 18
    for label, value in (("Electric Nameplate Capacity", "100 kW"),
                         ("Maximum Physical Export Capability Requested", "100 kW"),
                         ("Inverter Manufacturer", "Yaskawa Solectria"),
                         ("Inverter Model", "PVI 50TL x 2"),
                         ("Number of Inverters", "two")):
        s.text(40, y, f"{label}:", 9)
        s.value(330, y, 230, value)
        y -= 17
    s.text(40, y, "Is the inverter equipment UL 1741 Listed?   Yes", 9)
    s.check(234, y, True)
    s.text(262, y, "No", 9)
    s.check(276, y, False)
    y -= 26
    s.text(40, y, "Installer", 10, bold=True)
    y -= 20
    for label, value in (("System installer/consulting engineer", "Columbia Gorge Electric Inc."),
                         ("Contact Person", "Dee Harlan"), ("Telephone", "541 555 0190"),
                         ("E-Mail Address", "dee@cgelectric.example"), ("CCB #", "160221")):
        s.text(40, y, f"{label}:", 9)
        s.value(330, y, 230, value)
        y -= 17
    s.page()
    y = s.para(40, 740, TERMS, 530)
    s.text(40, y, "Signed:", 9)
    s.value(120, y, 200, "Ray Dunmore")
    s.text(40, y - 18, "Name (type or print):", 9)
    s.value(150, y - 18, 200, "Ray Dunmore, Managing Member")
    s.text(40, y - 36, "Date:", 9)
    s.value(120, y - 36, 200, "3rd November 2026")
    return s.bytes()


SGIP_REQUEST = answers({
    "program": "small_generator",
    "applicant.name": "Dunmore Wind Partners LLC", "applicant.email": "ray@dunmorewind.example",
    "applicant.phone": "5415550110", "applicant.mailing_address": "400 Ridge Rd, Arlington, OR 97812",
    "site.address": "Hwy 19 Milepost 12", "site.city": "Arlington", "site.state": "OR",
    "site.zip": "97812", "site.account_number": "7781-0022-41", "site.meter_number": "W33019",
    "installer.company": "Columbia Gorge Electric Inc.", "installer.contact": "Dee Harlan",
    "installer.email": "dee@cgelectric.example", "installer.phone": "5415550190",
    "installer.license": "160221",
    "generator.type": "wind", "generator.nameplate_kw_ac": 100.0, "generator.export_kw": 100.0,
    "generator.inverter_manufacturer": "Yaskawa Solectria",
    "generator.inverter_model": "PVI 50TL x 2", "generator.inverter_quantity": 2,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def battery_only(fillable: bool) -> bytes:
    """An energy storage form, fillable with hierarchical names ("Customer.Name")."""
    s = Sheet(fillable)
    s.text(40, 745, "Net Metering Interconnection Application", 14, bold=True)
    s.text(40, 729, "Energy Storage Systems (ESS) - non-exporting", 10)
    y = 700
    rows = [("Owner", "Customer.Name", "Sam & Jordan Reyes"),
            ("Mailing address", "Customer.Street", "930 Liberty St NE, Salem, OR 97301"),
            ("Phone", "Customer.Phone", "503-555-0142 ext 2"),
            ("Email", "Customer.Email", "REYES.FAMILY@example.com"),
            ("Service address", "Premise.Address", "930 Liberty St NE"),
            ("City, State, Zip", "Premise.CSZ", "Salem, OR 97301-2211"),
            ("Service ID #", "Premise.ServiceID", "SVC-0048221"),
            ("Meter number", "Premise.Meter", "E 4410 0091")]
    for label, name, value in rows:
        s.text(40, y, label, 9)
        s.value(200, y, 300, value, name)
        y -= 19
    y -= 6
    s.text(40, y, "Resource:", 9)
    s.radio(200, y, "Gen.Type", ("Solar", "Wind", "Energy Storage"), "Energy Storage")
    y -= 22
    rows = [("Power rating", "Gen.PowerKW", "10 kW"),
            ("Export", "Gen.Export", "Non-export (relay protected)"),
            ("Battery capacity", "ESS.EnergyKWh", "27 kWh"),
            ("Battery inverter rating", "ESS.PowerKW", "10,000 W"),
            ("Make", "ESS.Make", "Tesla"), ("Model", "ESS.Model", "Powerwall 3"),
            ("Quantity", "ESS.Count", "2")]
    for label, name, value in rows:
        s.text(40, y, label, 9)
        s.value(200, y, 300, value, name)
        y -= 19
    s.check(40, y, True, "ESS.UL")
    s.text(54, y, "UL 1741", 9)
    y -= 30
    for label, name, value in (("Installer", "Installer.Company", "Capitol Battery Co"),
                               ("Phone", "Installer.Phone", "503 555 0166"),
                               ("Email", "Installer.Email", "jobs@capitolbattery.example"),
                               ("CCB #", "Installer.License", "229914")):
        s.text(40, y, label, 9)
        s.value(200, y, 300, value, name)
        y -= 19
    y -= 10
    s.text(40, y, "Customer signature", 9)
    s.value(200, y, 160, "Jordan Reyes", "Sign.Customer")
    s.text(380, y, "Date", 9)
    s.value(410, y, 120, "11-03-2026", "Sign.Date")
    return s.bytes()


BATTERY_ONLY = answers({
    "program": "net_metering",
    "applicant.name": "Sam & Jordan Reyes", "applicant.email": "reyes.family@example.com",
    "applicant.phone": "5035550142", "applicant.mailing_address": "930 Liberty St NE, Salem, OR 97301",
    "site.address": "930 Liberty St NE", "site.city": "Salem", "site.state": "OR",
    "site.zip": "97301-2211", "site.account_number": "SVC-0048221",
    "site.meter_number": "E44100091",
    "installer.company": "Capitol Battery Co", "installer.email": "jobs@capitolbattery.example",
    "installer.phone": "5035550166", "installer.license": "229914",
    "generator.type": "storage", "generator.nameplate_kw_ac": 10.0, "generator.export_kw": 0.0,
    "generator.inverter_manufacturer": "Tesla", "generator.inverter_model": "Powerwall 3",
    "generator.inverter_quantity": 2, "generator.inverter_ul1741": True,
    "generator.storage_kwh": 27.0, "generator.storage_kw": 10.0,
    "signature.signed": True, "signature.date": "2026-11-03",
})


def wrapped_labels(fillable: bool) -> bytes:
    """Long labels wrapped over two lines in a narrow column, values right of the first line."""
    s = Sheet(fillable)
    s.text(40, 745, "Interconnection Application for Net Metering Systems", 13, bold=True)
    y = 712
    rows = [("Interconnection Customer (match", "name on electric account)", "Beatrix Hollowell"),
            ("Mailing address of the", "Interconnection Customer", "2204 W 11th Ave, Eugene, OR 97402"),
            ("Telephone", "(day/evening)", "541 555 0133"),
            ("E-mail", None, "bea.hollowell@example.org"),
            ("Address of customer facility where", "generator will be interconnected",
             "2204 W 11th Ave, Eugene, OR 97402"),
            ("PGE account number where", "system will be installed", "7712004488"),
            ("PGE meter number where", "system will be installed", "0091 7730"),
            ("Maximum kW output", "(AC)", "5.8"),
            ("Nameplate capacity in kW", "(DC)", "7.2 kW DC"),
            ("Export capacity", None, "5.8 kW"),
            ("Inverter manufacturer", "and model number", "Enphase IQ8M-72-2-US"),
            ("Quantity of", "inverters", "20"),
            ("Contractor who will", "install the system", "Emerald Solar Design LLC"),
            ("Contractor's", "License No. (CCB)", "231456"),
            ("Anticipated date the facility", "will be operational", "January 15, 2027")]
    for first, second, value in rows:
        s.text(40, y, first, 9)
        if second:
            s.text(40, y - 11, second, 9)
        s.value(210, y, 340, value)
        y -= 30 if second else 19
    s.text(40, y, "Type of system:", 9)
    s.options(210, y, ("Solar PV", "Fuel cell", "Wind", "Other"), ("Solar PV",))
    s.text(40, y - 19, "Certification:", 9)
    s.options(210, y - 19, ("UL 1741", "UL 1741 SA", "UL 1741 SB", "Other"), ("UL 1741 SB",))
    y = s.para(40, y - 46, TERMS, 530)
    s.text(40, y, "Signature of Interconnection", 9)
    s.text(40, y - 11, "Customer", 9)
    s.value(210, y, 180, "B. Hollowell")
    s.text(400, y, "Date", 9)
    s.value(430, y, 120, "11/3/26")
    return s.bytes()


WRAPPED_LABELS = answers({
    "program": "net_metering",
    "applicant.name": "Beatrix Hollowell", "applicant.email": "bea.hollowell@example.org",
    "applicant.phone": "5415550133",
    "applicant.mailing_address": "2204 W 11th Ave, Eugene, OR 97402",
    "site.address": "2204 W 11th Ave", "site.city": "Eugene", "site.state": "OR",
    "site.zip": "97402", "site.account_number": "7712004488", "site.meter_number": "00917730",
    "installer.company": "Emerald Solar Design LLC", "installer.license": "231456",
    "generator.type": "solar", "generator.nameplate_kw_ac": 5.8, "generator.nameplate_kw_dc": 7.2,
    "generator.export_kw": 5.8, "generator.inverter_manufacturer": "Enphase",
    "generator.inverter_model": "IQ8M-72-2-US", "generator.inverter_quantity": 20,
    "generator.inverter_ul1741": True,
    "signature.signed": True, "signature.date": "2026-11-03",
})

LAYOUTS = [
    Heldout("sgip_request", sgip_request, SGIP_REQUEST, fillable=False),
    Heldout("battery_only", battery_only, BATTERY_ONLY),
    Heldout("wrapped_labels", wrapped_labels, WRAPPED_LABELS),
]
