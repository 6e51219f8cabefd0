"""Fuzzing: a mutated PDF yields a result or UnreadablePdf, never another exception."""

from __future__ import annotations

import re

import samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_factory import render

from parsers.pdf import ParsedApplication, ParserSettings, UnreadablePdf, parse_application

SEEDS = [
    render(samples.boxed_form(), fillable=False, compress=False),
    render(samples.net_metering_form(), fillable=True, compress=False),
]
FUZZ = ParserSettings(isolate=False, ocr=False, timeout_s=20)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "number", "duplicate"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        else:
            numbers = list(re.finditer(rb"\d+", bytes(data)))
            target = numbers[draw(st.integers(0, len(numbers) - 1))]
            value = str(draw(st.integers(-(2**40), 2**40))).encode()
            data[target.start() : target.end()] = value
        if not data:
            break
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_pdfs_give_a_result_or_the_parsers_error(data: bytes) -> None:
    outcome: ParsedApplication | UnreadablePdf
    try:
        outcome = parse_application(data, settings=FUZZ)
    except UnreadablePdf as exc:
        outcome = exc
    if isinstance(outcome, UnreadablePdf):
        assert outcome.reason
        assert "\n" not in outcome.reason
    else:
        assert isinstance(outcome, ParsedApplication)
        assert outcome.pages >= 1
