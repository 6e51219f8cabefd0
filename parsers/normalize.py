"""Value normalisation: raw strings from a form into the contract's units and shapes.

Every function returns None when it cannot read the value with confidence; the caller turns
that into a warning. Nothing here guesses: "7,6 kW" (decimal comma or thousands?) is None.
"""

from __future__ import annotations

import re
from typing import Literal

_SPACE = re.compile(r"\s+")
_BLANK = re.compile(r"^[\s_.:\-–—]*$")
_PLACEHOLDER = {"n/a", "na", "n.a.", "-", "--", "tbd", "unknown", "see attached", "?"}


def clean_text(text: str | None) -> str | None:
    """Collapse inner whitespace and trim; blank lines ("____") and placeholders become None."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip().strip("_").strip()
    text = text.lstrip(":").strip()
    if _BLANK.match(text) or text.lower() in _PLACEHOLDER:
        return None
    return text


def label_key(text: str) -> str:
    """Reduce a printed label or synonym to the form used for matching.

    Case, punctuation and hyphens are dropped and "#", "No." and "Number" all become "no",
    because forms write "Account #", "Account No." and "Account Number" for the same thing.
    Letters following a number start a new word ("1741SB" is "1741 sb").
    """
    text = text.lower().replace("&", " and ").replace("#", " no ")
    text = re.sub(r"[.'’`\-]", "", text)
    # "UL 1741-SB" and "UL 1741 SB" are the same label: a number and the letters glued to
    # it once its hyphen is gone are separate words.
    text = re.sub(r"(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[^a-z0-9+]+", " ", text)
    words = ["no" if w in {"number", "num", "nbr", "no"} else w for w in text.split()]
    return " ".join(words)


def field_key(name: str) -> str:
    """Reduce an AcroForm field name ("txtApplicantName", "site_zip") to a spaceless key."""
    name = re.sub(r"\[\d+\]", "", name)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return label_key(name.replace("_", " ")).replace(" ", "")


# Numbers: "7,600", "7.6", ".5"; a comma must group thousands or the number is unreadable.
_QUANTITY = re.compile(
    r"(?P<pre>\b(?:ac|dc)\b\s*[:=]?\s*)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<unit>mwh|kwh|wh|mw|kva|kw|va|w|watts?|kilowatts?)?\b"
    r"(?:\s*[-/]?\s*(?P<post>ac|dc)\b)?"
)
_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?!\d)")
_TO_KILO = {
    "w": 0.001, "watt": 0.001, "watts": 0.001, "va": 0.001, "wh": 0.001,
    "kw": 1.0, "kva": 1.0, "kwh": 1.0, "kilowatt": 1.0, "kilowatts": 1.0,
    "mw": 1000.0, "mwh": 1000.0,
}
_ENERGY_UNITS = {"wh", "kwh", "mwh"}


def unit_hint(label: str) -> str:
    """The unit a label states for bare numbers ("Rating (W)" -> "w"); "kw" if it says none."""
    low = label.lower()
    for unit in ("kwh", "mwh", "wh", "kva", "kw", "mw"):
        if re.search(rf"\b{unit}\b", low):
            return unit
    bracketed = " ".join(re.findall(r"\(([^)]*)\)", low))
    if re.search(r"\bwatts?\b", low) or "w" in re.split(r"[^a-z]+", bracketed):
        return "w"
    return "kw"


def parse_kilo(
    text: str,
    *,
    want: Literal["ac", "dc"] | None = None,
    energy: bool = False,
    default_unit: str = "kw",
) -> float | None:
    """Read a power in kW (or, with energy=True, an energy in kWh) from free text.

    Accepts "7,600 W", "7.6 kW", "11.4kW AC", "DC: 9.6 kW", "13.5 kWh". `want` picks the AC
    or DC figure when the text states both; `default_unit` applies to bare numbers. Returns
    None when nothing, or more than one different figure, fits.
    """
    low = text.lower()
    if _DECIMAL_COMMA.search(low):
        return None
    found: list[tuple[float, str | None]] = []
    for match in _QUANTITY.finditer(low):
        unit = match.group("unit") or default_unit
        if (unit in _ENERGY_UNITS) != energy and match.group("unit"):
            continue
        side = (match.group("pre") or match.group("post") or "").strip(" :=") or None
        number = float(match.group("num").replace(",", ""))
        found.append((round(number * _TO_KILO.get(unit, 1.0), 6), side))
    if want is not None and any(side == want for _, side in found):
        found = [item for item in found if item[1] == want]
    elif want is not None:
        found = [item for item in found if item[1] is None]
    values = {value for value, _ in found}
    return values.pop() if len(values) == 1 else None


def parse_phone(text: str) -> str | None:
    """US phone number as 10 digits, without the leading 1 or any extension."""
    main = re.split(r"(?i)\b(?:ext|extension|x)\.?\s*\d+\s*$", text.strip())[0]
    digits = re.sub(r"\D", "", main)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else None


_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")


def parse_email(text: str) -> str | None:
    """The first e-mail address in the text, lower-cased ("mailto:" and stray spaces dropped)."""
    low = re.sub(r"\s*@\s*", "@", text.lower().replace("mailto:", ""))
    # OCR splits addresses at odd places ("permits@ bridgetowns olar.example"): a short
    # value that is an address once its spaces are gone is read that way.
    squashed = "".join(low.split())
    if low.count("@") == 1 and len(low.split()) <= 4 and _EMAIL.fullmatch(squashed):
        return squashed
    match = _EMAIL.search(low)
    return match.group(0) if match else None


def parse_identifier(text: str) -> str | None:
    """An account or meter number as printed, without spaces; it must contain a digit."""
    value = re.sub(r"\s+", "", text).lstrip("#:").strip()
    value = re.sub(r"(?i)^(?:no\.?|number)[:#]?", "", value)
    return value if re.search(r"\d", value) else None


def parse_license(text: str) -> str | None:
    """A contractor licence number as printed (letters kept), without a leading "#" or "No."."""
    value = _SPACE.sub(" ", text).strip().lstrip("#:").strip()
    value = re.sub(r"(?i)^(?:no\.?|number)\s*[:#]?\s*", "", value)
    return value if re.search(r"\d", value) else None


_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}


def parse_count(text: str) -> int | None:
    """A whole count ("2", "24 microinverters", "two"); None when several counts disagree."""
    numbers = {int(n) for n in re.findall(r"(?<![\d.,])\d+(?![\d.,]*\d)", text)}
    if not numbers:
        words = {_WORD_NUMBERS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _WORD_NUMBERS}
        numbers = words
    return numbers.pop() if len(numbers) == 1 else None


CHECKED = "☒"
UNCHECKED = "☐"
_CHECKED_MARKS = re.compile(r"\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)|[☒☑■✔✓✗✘◉●]")
# "[J" and "[)" are how Tesseract often reads an empty printed box.
_UNCHECKED_MARKS = re.compile(r"\[\s*_?\s*\]|\(\s*\)|[☐□○◯]|\[[J|)](?=\s|$)")
SEPARATOR = "¦"  # joins the boxes of one checkbox list that sat apart on the line


def has_marks(text: str) -> tuple[bool, bool]:
    """Whether `text` shows (a ticked box, an empty box)."""
    return bool(_CHECKED_MARKS.search(text)), bool(_UNCHECKED_MARKS.search(text))


def marked_options(text: str) -> list[str] | None:
    """Options ticked in a printed checkbox list ("☒ Yes ☐ No" or "Yes ☒ No ☐" -> ["Yes"]).

    None when the text holds no checkbox marks at all (it is a plain value); an empty list
    when boxes are printed but none is ticked (the form is silent).
    """
    text = _UNCHECKED_MARKS.sub(f" {UNCHECKED} ", _CHECKED_MARKS.sub(f" {CHECKED} ", text))
    if CHECKED not in text and UNCHECKED not in text:
        return None
    chosen = []
    for part in text.split(SEPARATOR):
        pieces = re.split(f"([{CHECKED}{UNCHECKED}])", part.strip())
        # A part that starts with words and ends with a box prints its boxes after the
        # options ("Yes ☒", "Yes [x] No [ ]"); otherwise each box precedes its option.
        after = pieces[0].strip() != "" and pieces[-1].strip() == ""
        texts = pieces[0::2][:-1] if after else pieces[2::2]
        for mark, words in zip(pieces[1::2], texts, strict=True):
            option = words.strip(" :,;/")
            if mark == CHECKED and option:
                chosen.append(option)
    return chosen


_TRUE = {"yes", "y", "true", "on", "1", "checked", "x", "certified", "listed"}
_FALSE = {"no", "n", "false", "0", "not certified", "not listed"}


def parse_yes_no(text: str) -> bool | None:
    """A yes/no answer from a checkbox list, a field export value or a word; None if silent."""
    options = marked_options(text)
    if options is not None:
        answers = {parse_yes_no(option) for option in options} - {None}
        return answers.pop() if len(answers) == 1 else None
    low = text.strip().lstrip("/").strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE or low.startswith(("no ", "not ")):
        return False
    if re.search(r"\bul\s*-?\s*1741\b", low):
        return True
    return None
