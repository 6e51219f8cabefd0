"""The other documents of a packet, scans, and broken files, made on the fly.

One-line diagrams, site plans, spec sheets and a certificate of completion drawn with
reportlab; packets joined with pypdf; scans made by rasterising a PDF with pdftoppm and
wrapping the (JPEG-compressed) images into a new PDF with no text layer; and the bad files
intake must refuse: password-protected, truncated, not a PDF at all.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = letter


def _pdf(draw_pages: Sequence[list[tuple[float, float, str, float]]]) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=1)
    for page in draw_pages:
        for x, y, text, size in page:
            canvas.setFont("Helvetica-Bold" if size > 11 else "Helvetica", size)
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def one_line_diagram() -> bytes:
    """A one-line diagram page: boxes with drawing call-outs and a title block."""
    blocks = ["PV ARRAY (24) 400 W MODULES", "INVERTER SE7600H-US", "AC DISCONNECT 60A",
              "MAIN SERVICE PANEL 200A", "UTILITY METER (BI-DIRECTIONAL)", "UTILITY GRID"]
    page = [(60 + 85 * n, 500 - 20 * (n % 2), text, 7) for n, text in enumerate(blocks)]
    page += [(60, 420, "#10 AWG THWN-2 IN 3/4\" EMT CONDUIT", 8),
             (60, 405, "GROUNDING ELECTRODE CONDUCTOR #6 AWG", 8),
             (60, 390, "OCPD 40A BREAKER AT MAIN PANEL", 8),
             (400, 80, "ONE-LINE DIAGRAM", 14), (400, 62, "4417 N WILLIAMS AVE", 8)]
    return _pdf([page])


def site_plan() -> bytes:
    """A site plan page: property lines, driveway, disconnect distance, scale."""
    page = [(60, 740, "SITE PLAN", 16), (60, 700, "PROPERTY LINE", 8),
            (200, 600, "DRIVEWAY", 8), (300, 500, "RESIDENCE", 9),
            (320, 470, "ROOF ARRAY LOCATION", 8), (420, 420, "AC DISCONNECT", 8),
            (420, 408, "6 FT FROM UTILITY METER", 8), (60, 80, "SCALE: 1\" = 20'", 8),
            (60, 64, "N", 10)]
    return _pdf([page])


def spec_sheet(pages: int = 1) -> bytes:
    """Inverter spec-sheet pages with dense tables of ratings (realistic text per page)."""
    out = []
    for number in range(pages):
        page = [(54, 740, f"SE7600H-US Single Phase Inverter Datasheet ({number + 1})", 14),
                (54, 712, "Electrical Specifications", 11)]
        for row in range(48):
            y = 690 - row * 12.5
            page.append((54, y, f"Maximum output power at 240 V, mode {row}", 8))
            page.append((330, y, f"{7600 - row * 10} W", 8))
            page.append((420, y, f"{31.5 + row / 10:.1f} A  Efficiency {97.0 + row / 100:.2f} %", 8))
        page += [(54, 80, "Mechanical Data: dimensions 450 x 370 x 174 mm; weight 22 kg", 8),
                 (54, 68, "Warranty 12 years. Operating temperature -40 to +60 C. UL 1741 SB", 8)]
        out.append(page)
    return _pdf(out)


def certificate_of_completion() -> bytes:
    """A certificate of completion page signed after the final inspection."""
    page = [(54, 720, "Certificate of Completion", 16),
            (54, 690, "The installation is complete and passed the final inspection.", 10),
            (54, 670, "Date of final inspection: 12/01/2026   Inspector: J. Ortiz", 10)]
    return _pdf([page])


def join(*parts: bytes) -> bytes:
    """The parts' pages in order as one PDF."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan(pdf: bytes, *, dpi: int = 150, rotate: int = 0, quality: int = 75) -> bytes:
    """Rasterise `pdf` (pdftoppm), JPEG-compress, and re-wrap: a scan with no text layer."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "in.pdf")
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source),
                        str(Path(folder, "page"))], check=True)
        images = sorted(Path(folder).glob("page*.png"))
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=letter, invariant=1)
        for path in images:
            image = Image.open(path)
            if rotate:
                image = image.rotate(rotate, expand=True)
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=quality)
            jpeg.seek(0)
            size = (HEIGHT, WIDTH) if rotate in (90, 270) else (WIDTH, HEIGHT)
            canvas.setPageSize(size)
            canvas.drawImage(ImageReader(jpeg), 0, 0, *size)
            canvas.showPage()
        canvas.save()
    return out.getvalue()


def encrypted(pdf: bytes, *, user_password: str, owner_password: str = "o") -> bytes:  # noqa: S107
    """`pdf` encrypted (AES-128); an empty user password means permissions only."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="AES-128", permissions_flag=0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    """A small JPEG photo, as an installer's phone might attach it named `.pdf`."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 160)).save(out, "JPEG")
    return out.getvalue()


HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
             b"<body>Your session expired. Please sign in to download the file.</body></html>")


def flate_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates from ~1/1000 of its size to `megabytes`."""
    stream = zlib.compress(b"0 0 m " * (megabytes * 1024 * 1024 // 6), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()
