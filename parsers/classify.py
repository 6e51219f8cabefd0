"""What a page is: application form, one-line diagram, site plan, spec sheet, certificate.

Decided from the words on the page, never from the file name: titles weigh most, then the
vocabulary of each kind of document (drawing call-outs such as "AC DISCONNECT" and
"UTILITY METER" for a one-line diagram, "Electrical Data" and "Warranty" for a spec sheet).
"""

from __future__ import annotations

import re

from parsers.result import DocumentType

# (pattern, weight) per kind; titles score high, vocabulary low, so one stray word on an
# application ("inverter") does not make it a spec sheet.
_VOCABULARY: dict[DocumentType, tuple[tuple[str, int], ...]] = {
    "application": (
        (r"interconnection (application|request)", 6),
        (r"application for (net metering|small generator|interconnection)", 6),
        (r"net metering (interconnection )?(application|agreement)", 5),
        (r"small generator (facility )?interconnection", 4),
        (r"\bapplicant\b", 1), (r"customer.generator", 1), (r"interconnection customer", 1),
        (r"account (number|no|#)", 1), (r"meter (number|no|#)", 1),
        (r"nameplate", 1), (r"export capacity", 1), (r"signature", 1),
        (r"installer|contractor", 1), (r"e-?mail", 1), (r"zip", 1),
    ),
    "one_line_diagram": (
        (r"one[- ]line diagram|single[- ]line diagram|\bsld\b|line diagram", 8),
        (r"ac disconnect", 2), (r"utility meter|bi-?directional meter|net meter\b", 2),
        (r"main service panel|\bmsp\b|main panel|load center", 2),
        (r"\bocpd\b|breaker", 1), (r"\bawg\b|thwn|conduit|\bemt\b", 2),
        (r"grounding electrode|\bgec\b|\begc\b", 2), (r"pv array|string|combiner", 1),
        (r"junction box|rapid shutdown", 1), (r"\bpoi\b|point of interconnection", 1),
    ),
    "site_plan": (
        (r"site plan|plot plan|roof plan|site map", 8),
        (r"property line", 3), (r"driveway|street|sidewalk|fence", 1),
        (r"setback", 2), (r"north\b|\bn\s*↑", 1), (r"scale\s*[:=]", 2),
        (r"distance (to|from) (the )?meter|\d+\s*(ft|feet|')\b", 1),
        (r"array location|roof|garage|house|residence", 1),
    ),
    "spec_sheet": (
        (r"data ?sheet|spec(ification)? sheet|technical data|product specifications", 8),
        (r"electrical (specifications|data|characteristics)", 3),
        (r"mechanical (data|specifications|characteristics)", 3),
        (r"warranty", 2), (r"dimensions|weight", 2), (r"efficiency", 1),
        (r"operating temperature|ambient temperature", 2), (r"\bip6\d|nema 3r|nema 4", 1),
        (r"certifications?|compliance", 1), (r"max(imum)? (input|output)", 1),
        (r"\bvoc\b|\bisc\b|\bvmp\b|\bimp\b|\bstc\b|\bnoct\b", 2),
    ),
    "certificate_of_completion": (
        (r"certificate of completion", 10),
        (r"final inspection|electrical inspection|inspection approv", 2),
        (r"permission to operate", 3), (r"installation (is )?complete", 2),
        (r"date of (final )?inspection|inspector", 2),
    ),
}
_COMPILED = {
    kind: tuple((re.compile(pattern), weight) for pattern, weight in patterns)
    for kind, patterns in _VOCABULARY.items()
}
_MINIMUM = 5


def score_page(text: str) -> dict[DocumentType, int]:
    """Points per document kind for one page's text; titles in the first lines count twice."""
    low = text.lower()
    head = "\n".join(low.splitlines()[:6])
    scores: dict[DocumentType, int] = {}
    for kind, patterns in _COMPILED.items():
        total = 0
        for pattern, weight in patterns:
            if pattern.search(low):
                total += weight * (2 if weight >= 5 and pattern.search(head) else 1)
        scores[kind] = total
    return scores


def classify_page(text: str, *, label_hits: int = 0) -> DocumentType:
    """The kind of one page; `label_hits` (distinct application labels found) favours forms.

    Returns "unknown" when no kind reaches the minimum score.
    """
    scores = score_page(text)
    scores["application"] += 2 * min(label_hits, 6)
    kind, best = max(scores.items(), key=lambda item: item[1])
    return kind if best >= _MINIMUM else "unknown"
