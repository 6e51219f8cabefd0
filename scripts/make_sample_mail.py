"""Writes the sample mail drop that `make run` processes (app/samples/maildrop/*.eml).

Run it from the repository root with the dev extra installed when the samples need to change:
    .venv/bin/python scripts/make_sample_mail.py
The application PDFs are drawn with the parser tests' form factories, so the samples and the
tests read the same kind of documents.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "parsers"))

import pdf_documents  # noqa: E402
import samples  # noqa: E402
from pdf_factory import Layout, render  # noqa: E402

DESK = "interconnection@icdesk.localhost"
OUT = ROOT / "app" / "samples" / "maildrop"


def form(values: dict[str, str]) -> Layout:
    """The net metering form with some fields filled differently (keyed by field name)."""
    layout = samples.net_metering_form()
    layout.pages = [[replace(row, value=values.get(row.name, row.value)) for row in page] for page in layout.pages]
    return layout


def message(number: int, sender: str, subject: str, body: str, attachments: dict[str, bytes]) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = DESK
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime(2026, 11, 2, 16 + number % 3, 5 * number, tzinfo=UTC))
    mail["Message-ID"] = f"<sample-{number}@installers.example>"
    mail.set_content(body)
    for name, data in attachments.items():
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return bytes(mail)


def bounce() -> bytes:
    mail = EmailMessage()
    mail["From"] = "MAILER-DAEMON@mx.installers.example"
    mail["To"] = DESK
    mail["Subject"] = "Undelivered Mail Returned to Sender"
    mail["Message-ID"] = "<bounce-1@mx.installers.example>"
    mail["Auto-Submitted"] = "auto-replied"
    mail.set_content("This is the mail system at host mx.installers.example.\n\nI'm sorry to have to inform you "
                     "that your message could not be delivered.")
    mail.make_mixed()
    report = EmailMessage()
    report.set_content("Reporting-MTA: dns; mx.installers.example\n\nFinal-Recipient: rfc822; old@installers.example"
                       "\nAction: failed\nStatus: 5.1.1\n")
    mail.attach(report)
    mail.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"')
    return bytes(mail)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    documents = {"one-line.pdf": pdf_documents.one_line_diagram(), "site-plan.pdf": pdf_documents.site_plan(),
                 "inverter-spec.pdf": pdf_documents.spec_sheet(1)}
    nguyen = form({"ApplicantName": "Linh Nguyen", "CustomerEmail": "linh.nguyen@example.com",
                   "SiteAddress": "2280 SE Ankeny St", "SiteZip": "97214", "AccountNo": "7712 0033 61",
                   "MeterNo": "PGE-220417", "CustomerSignature": "/s/ Linh Nguyen"})
    willamette = form({"ApplicantName": "Willamette Cold Storage LLC", "CustomerEmail": "facilities@wcs.example",
                       "SiteAddress": "1900 NW Front Ave", "SiteZip": "97209", "AccountNo": "3300 1922 10",
                       "MeterNo": "PGE-100233", "NameplateKWAC": "150 kW", "DCRating": "180 kW DC",
                       "ExportKW": "150 kW", "InverterMfr": "SMA", "InverterModel": "Sunny Tripower CORE1",
                       "InverterQty": "3", "CustomerSignature": "/s/ R. Okafor"})
    delgado = form({"ApplicantName": "Rosa Delgado", "CustomerEmail": "rosa.delgado@example.com",
                    "SiteAddress": "88 Orchard Ln", "SiteCity": "Hood River", "SiteZip": "97031",
                    "AccountNo": "5501 8277 34", "MeterNo": "PGE-880031", "CustomerSignature": "/s/ Rosa Delgado"})
    mails = {
        "1-incomplete-tier-1.eml": message(1, "Dana Whitfield <permits@bridgetownsolar.example>",
                                           "Net metering application - 4417 N Williams Ave",
                                           "Hello, please find the application attached.",
                                           {"application.pdf": render(samples.net_metering_form(), fillable=True)}),
        "2-complete-tier-1.eml": message(2, "Dana Whitfield <permits@bridgetownsolar.example>",
                                         "Net metering application - Nguyen, 2280 SE Ankeny",
                                         "Application with one-line diagram, site plan and inverter spec sheet.",
                                         {"application.pdf": render(nguyen, fillable=True), **documents}),
        "3-tier-2-with-fee.eml": message(3, "Columbia Commercial Solar <priya@columbiacs.example>",
                                         "150 kW net metering interconnection application",
                                         "Please review the attached Tier 2 application.",
                                         {"WCS-application.pdf": render(willamette, fillable=False), **documents}),
        "4-scanned-form.eml": message(4, "Rosa Delgado <rosa.delgado@example.com>", "my solar application",
                                      "I scanned the signed form.",
                                      {"scan.pdf": pdf_documents.scan(render(delgado, fillable=False))}),
        "5-bounce.eml": bounce(),
    }
    for name, raw in mails.items():
        (OUT / name).write_bytes(raw)
        print(f"{OUT.relative_to(ROOT) / name}: {len(raw) // 1024} KiB")


if __name__ == "__main__":
    main()
