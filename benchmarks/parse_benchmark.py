"""Benchmark of the application PDF parser against bare pdfplumber.

Run: .venv/bin/python benchmarks/parse_benchmark.py [--quick]

For each document (3-page fillable form, the same form flattened, a 2-page fillable form
whose fields are named "Text7" and so are read through their printed labels, a 2-page scan,
a 60-page packet of a 1-page application and 59 spec-sheet pages) it prints the median wall
time of `parse_application` with the default settings (isolated worker, as intake calls
it), the same in-process, and the time pdfplumber alone needs to open the file and extract
the text of every page, with the ratio parser / pdfplumber. Then the peak memory of parsing
the packet in a fresh process. Targets (2-core machine): fillable <= 60 ms, flattened and
unnamed fields <= 300 ms, scan <= 6 s per page, packet <= 2 s and below pdfplumber, packet
peak memory <= 300 MB.
"""

from __future__ import annotations

import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "parsers")]

import heldout_utility  # noqa: E402 - needs the path above
import pdf_documents as docs  # noqa: E402
import pdfplumber  # noqa: E402
import samples  # noqa: E402
from pdf_factory import render  # noqa: E402

from parsers.pdf import ParserSettings, parse_application  # noqa: E402

IN_PROCESS = ParserSettings(isolate=False)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `run` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def plumber_all_text(data: bytes) -> None:
    """The baseline: open with pdfplumber and extract every page's text."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page.extract_text()
            page.close()


def documents() -> dict[str, tuple[bytes, int, int]]:
    """name -> (bytes, pages, repeats)."""
    flat = render(samples.net_metering_form(), fillable=False)
    packet = docs.join(render(samples.boxed_form(), fillable=False), docs.spec_sheet(59))
    scan = docs.scan(render(samples.small_generator_form(), fillable=False), dpi=150)
    return {
        "fillable form (3 p)": (render(samples.net_metering_form(), fillable=True), 3, 21),
        "flattened form (3 p)": (flat, 3, 21),
        "unnamed fields (2 p)": (heldout_utility.solar_payment_option(True), 2, 21),
        "scan, OCR (2 p)": (scan, 2, 3),
        "packet (60 p)": (packet, 60, 5),
    }


def peak_memory_mb(data: bytes) -> tuple[float, float]:
    """Peak RSS (MiB) of a fresh process that imports the parser, before and after a parse."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(data)
    path = Path(handle.name)
    code = (
        "import resource, sys; from parsers.pdf import ParserSettings, parse_application;"
        "import pdfplumber, pypdf;"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        f"parse_application(open({str(path)!r}, 'rb').read(), "
        "settings=ParserSettings(isolate=False));"
        "print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    before, after = (int(v) / 1024 for v in done.stdout.split())
    path.unlink()
    return before, after


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"{'document':<22} {'parser':>10} {'in-proc':>10} {'pdfplumber':>11} {'ratio':>7}")
    for name, (data, pages, runs) in documents().items():
        repeat = min(runs, 3) if quick else runs
        isolated = median_ms(lambda d=data: parse_application(d), repeat)
        inline = median_ms(lambda d=data: parse_application(d, settings=IN_PROCESS), repeat)
        bare = median_ms(lambda d=data: plumber_all_text(d), repeat)
        per_page = f"  ({isolated / pages:.0f} ms/page)" if "OCR" in name else ""
        print(f"{name:<22} {isolated:>8.0f}ms {inline:>8.0f}ms {bare:>9.0f}ms "
              f"{isolated / bare:>7.2f}{per_page}")
    before, after = peak_memory_mb(documents()["packet (60 p)"][0])
    print(f"packet peak RSS: {after:.0f} MiB (interpreter and libraries alone: {before:.0f} MiB)")
    print(f"benchmark process peak RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
