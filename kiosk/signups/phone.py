"""Phone numbers people give at signup: parsed, checked and written one way.

Owns the rule for the optional number on a signup: parsed with `phonenumbers` (Google's
libphonenumber data) in the municipality's region (Swedish by default, so "070 123 45 67"
and "+252 61 234 5678" both work), accepted only when it is a valid mobile number (a text
message could reach it), and stored in E.164 ("+46701234567"), so the same phone written
two ways is one number. Plain: no Flask.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

DEFAULT_REGION = "SE"
MAX_LENGTH = 30
TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneProblem(ValueError):
    """Why a number was refused: `invalid` (not a phone number) or `not_mobile`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or PhoneProblem. An empty text is no number ("")."""
    text = text.strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise PhoneProblem("invalid")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise PhoneProblem("invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneProblem("invalid")
    if phonenumbers.number_type(number) not in TEXTABLE:
        raise PhoneProblem("not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(stored: str, region: str = DEFAULT_REGION) -> str:
    """A stored number as a volunteer dials it: national form for the region's own numbers
    ("070-123 45 67"), international otherwise ("+252 61 2345678"); as stored if unparsable
    (numbers kept from before this rule)."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region)
    except NumberParseException:
        return stored
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
