"""A tiny form parsed once in the forkserver, so that forked workers start warm.

Why: pypdf, pdfminer and the label indexes fill caches lazily (font metrics, compiled
patterns) on the first parse; a worker forked from a cold server would pay that on every
document. Importing this module (the forkserver preloads it) pays it once.
"""

from __future__ import annotations

import contextlib
import io

from parsers.errors import UnreadablePdf
from parsers.pipeline import parse_in_process
from parsers.settings import ParserSettings

_CONTENT = (
    b"BT /F1 15 Tf 54 740 Td (Net Metering Interconnection Application) Tj ET\n"
    b"BT /F1 10 Tf 54 700 Td (Applicant Name:) Tj ET\n"
    b"BT /F1 10 Tf 250 700 Td (Jo Ruiz) Tj ET\n"
    b"BT /F1 10 Tf 54 680 Td (Nameplate Rating \\(kW AC\\):) Tj ET\n"
    b"BT /F1 10 Tf 250 680 Td (7.6 kW) Tj ET\n"
)


def sample_pdf() -> bytes:
    """A one-page flat form with a title and two labelled values, built by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(_CONTENT) + _CONTENT + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def warm_up() -> None:
    """Parse the sample once in this process; any failure is ignored (it is only a warm-up)."""
    with contextlib.suppress(UnreadablePdf):
        parse_in_process(sample_pdf(), ParserSettings(isolate=False, ocr=False))


warm_up()  # runs on import: the forkserver imports this module once at start
