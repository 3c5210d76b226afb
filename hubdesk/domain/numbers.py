"""Phone numbers: parse what people type, send E.164 digits, show the national form.

phonenumbers is the judge of validity; the default region is GB. A "UK number" is
country code 44, valid, in GB or one of the +44 Crown Dependencies (GG, JE, IM).
Contacts and the dial endpoints take UK numbers only; an SMS may go to any valid number.

Digits-only input without a ``+`` is read the way people write it:

* a leading ``00`` is the international prefix, a leading ``0`` the UK trunk prefix;
* ``44…`` is UK with the country code but no ``+`` (``447400123456``, as the API sends);
* 11 or more digits with no leading ``0`` cannot be a UK national number (at most 10
  digits), so they are read as a country code and number (``15167259623`` is +1);
* anything shorter is read as UK first, then as international.

:func:`charge_of` says whether calling or texting a number may cost more than a normal
call (premium rate, 084/087 service charge, 070 personal numbers, 118 directory
enquiries…), for the dial confirmation's warning and the flags in contacts and compose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

_DEFAULT_REGION = "GB"
_UK_COUNTRY_CODE = 44
_UK_REGIONS = frozenset({"GB", "GG", "JE", "IM"})
# The longest UK national significant number (after the trunk 0) has 10 digits.
_UK_NSN_MAX = 10
# Characters people put between digits. Anything else (apart from letters, reported
# separately) makes the text "not a phone number".
_SEPARATORS = frozenset("-.()/\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


class NumberError(ValueError):
    """A text that is not an acceptable phone number; ``str(e)`` is the reason."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A valid phone number. ``digits`` is E.164 without ``+``: what the API gets."""

    digits: str
    region: str | None

    def __post_init__(self) -> None:
        if not (self.digits.isascii() and self.digits.isdigit()):
            raise ValueError(f"PhoneNumber digits must be ASCII digits, got {self.digits!r}")

    @property
    def is_uk(self) -> bool:
        return self.digits.startswith(str(_UK_COUNTRY_CODE)) and self.region in _UK_REGIONS

    def national(self) -> str:
        """The national form ("07400 123456", "020 7377 1555"); international if not UK."""
        if not self.is_uk:
            return self.international()
        parsed = _parse_e164(self.digits)
        if parsed is None:
            return self.digits
        return str(phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL))

    def international(self) -> str:
        """The international form ("+44 7400 123456")."""
        parsed = _parse_e164(self.digits)
        if parsed is None:
            return "+" + self.digits
        return str(phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL))

    def __str__(self) -> str:
        return self.national() if self.is_uk else self.international()


def parse_number(text: str) -> PhoneNumber:
    """Parse any valid number (SMS destinations). Raises ``NumberError`` with the reason."""
    outcome = _resolve(text)
    if outcome.number is None:
        raise NumberError(outcome.reason)
    return outcome.number


def parse_uk_number(text: str) -> PhoneNumber:
    """Parse a valid UK number (contacts, dial endpoints). Raises ``NumberError``."""
    outcome = _resolve(text)
    if outcome.country_code is not None and outcome.country_code != _UK_COUNTRY_CODE:
        raise NumberError(f"not a UK number (+{outcome.country_code})")
    if outcome.number is None:
        raise NumberError(outcome.reason)
    if not outcome.number.is_uk:
        raise NumberError(f"not a UK number (+{_UK_COUNTRY_CODE}, region {outcome.number.region})")
    return outcome.number


def format_number(digits_or_text: str) -> str:
    """Best-effort display of a stored value.

    A valid number is shown as ``str(PhoneNumber)``; anything else (an alphanumeric
    sender id such as "SMTEST", an over-long junk number) is returned unchanged.
    """
    try:
        return str(parse_number(digits_or_text))
    except NumberError:
        return digits_or_text


@dataclass(frozen=True, slots=True)
class Charge:
    """Why a call or text to a number may cost more than a normal one.

    ``label`` is the short flag shown beside the number ("Premium rate"); ``warning``
    the sentence for a confirmation.
    """

    label: str
    noun: str  # "a premium-rate number"
    cost: str  # "calls can cost several pounds a minute"

    def warning(self, shown: str) -> str:
        """``"09065 551234 is a premium-rate number: calls can cost …"``."""
        return f"{shown} is {self.noun}: {self.cost}."


PREMIUM_RATE = Charge(
    "Premium rate", "a premium-rate number", "calls and texts to it can cost several pounds"
)
SERVICE_CHARGE = Charge(
    "Service charge",
    "a service-charge number (084/087)",
    "calls to it cost a service charge on top of the normal rate",
)
SHARED_COST = Charge("Shared cost", "a shared-cost number", "calls can cost more than usual")
PERSONAL_NUMBER = Charge(
    "Personal number",
    "a personal number (070), not a mobile",
    "calls to it can cost far more than calling a mobile",
)
NON_GEOGRAPHIC = Charge(
    "Non-geographic", "a non-geographic number", "calls to it can cost more than usual"
)
INTERNET_PHONE = Charge(
    "Internet phone", "an internet-telephony number", "calls to it can cost more than usual"
)
PAGER = Charge("Pager", "a pager number", "calls to it can cost more than usual")
DIRECTORY = Charge(
    "Directory enquiries",
    "a directory enquiries number (118)",
    "calls to it can cost several pounds",
)

_CHARGED_TYPES = {
    PhoneNumberType.PREMIUM_RATE: PREMIUM_RATE,
    PhoneNumberType.SHARED_COST: SHARED_COST,
    PhoneNumberType.PERSONAL_NUMBER: PERSONAL_NUMBER,
    PhoneNumberType.UAN: NON_GEOGRAPHIC,
    PhoneNumberType.VOIP: INTERNET_PHONE,
    PhoneNumberType.PAGER: PAGER,
}
# UK national significant numbers: 084x/087x are typed PREMIUM_RATE by phonenumbers but
# are Ofcom's "service" numbers; 03 is typed UAN but costs the same as 01/02 numbers.
_UK_SERVICE = ("84", "87")
_UK_GEOGRAPHIC_RATE = ("3",)
_DIRECTORY = re.compile(r"(?:0044|\+44|44)?118\d{3}")


def charge_of(number: str | PhoneNumber) -> Charge | None:
    """What calling or texting ``number`` may cost beyond a normal call; None when
    nothing is known to (mobiles, 01/02/03, freephone, numbers abroad of those kinds,
    sender ids and text that is no number). Pure; never raises."""
    if isinstance(number, PhoneNumber):
        found = number
    else:
        if _DIRECTORY.fullmatch("".join(ch for ch in number if ch.isdigit() or ch == "+")):
            return DIRECTORY
        try:
            found = parse_number(number)
        except NumberError:
            return None
    parsed = _parse_e164(found.digits)
    if parsed is None:
        return None
    charge = _CHARGED_TYPES.get(phonenumbers.number_type(parsed))
    if charge is None or not found.is_uk:
        return charge
    nsn = phonenumbers.national_significant_number(parsed)
    if charge is PREMIUM_RATE and nsn.startswith(_UK_SERVICE):
        return SERVICE_CHARGE
    if charge is NON_GEOGRAPHIC and nsn.startswith(_UK_GEOGRAPHIC_RATE):
        return None
    return charge


def is_uk(digits: str) -> bool:
    """Whether the text is a valid UK number. Never raises."""
    try:
        return parse_number(digits).is_uk
    except NumberError:
        return False


# --- numbers that cannot receive texts ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmsReach:
    """Why a text to this number will probably not arrive: its kind and what that means.

    ``str()`` is the sentence shown where the number is addressed ("landline — usually
    cannot receive SMS")."""

    kind: str  # "landline", "premium-rate number", …
    outlook: str  # "usually cannot receive SMS", …

    def __str__(self) -> str:
        return f"{self.kind} — {self.outlook}"


_USUALLY = "usually cannot receive SMS"
_CANNOT = "cannot receive SMS"
_MAYBE = "may not receive SMS"
# phonenumbers' number types that mean "probably not a phone that reads texts". Mobiles,
# FIXED_LINE_OR_MOBILE (the whole of North America, among others) and UNKNOWN are quiet.
_UNREACHABLE: dict[int, SmsReach] = {
    phonenumbers.PhoneNumberType.FIXED_LINE: SmsReach("landline", _USUALLY),
    phonenumbers.PhoneNumberType.TOLL_FREE: SmsReach("freephone number", _USUALLY),
    phonenumbers.PhoneNumberType.PREMIUM_RATE: SmsReach("premium-rate number", _CANNOT),
    phonenumbers.PhoneNumberType.SHARED_COST: SmsReach("shared-cost number", _USUALLY),
    phonenumbers.PhoneNumberType.UAN: SmsReach("non-geographic (UAN) number", _USUALLY),
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: SmsReach("personal number", _MAYBE),
    phonenumbers.PhoneNumberType.VOIP: SmsReach("internet (VoIP) number", _MAYBE),
    phonenumbers.PhoneNumberType.PAGER: SmsReach("pager", _CANNOT),
    phonenumbers.PhoneNumberType.VOICEMAIL: SmsReach("voicemail access number", _CANNOT),
}


def sms_reachability(number: PhoneNumber) -> SmsReach | None:
    """What kind of number this is when texts to it will probably not arrive (landline,
    premium-rate, shared-cost, personal, UAN, VoIP, pager, voicemail, freephone); None for
    a mobile or a number whose kind is not known. A flag, never a refusal: some
    landlines read texts aloud, and the rules differ by operator."""
    parsed = _parse_e164(number.digits)
    if parsed is None:
        return None
    return _UNREACHABLE.get(phonenumbers.number_type(parsed))


# --- internals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    number: PhoneNumber | None  # set when valid
    reason: str  # why not, when number is None
    country_code: int | None  # of the chosen reading, when known


@lru_cache(maxsize=4096)
def _parse_e164(digits: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None


def _normalise(text: str) -> tuple[bool, str]:
    """Return (has_plus, ascii_digits), or raise ``NumberError`` for non-number text."""
    stripped = text.strip()
    if not stripped:
        raise NumberError("not a phone number: empty")
    has_plus = False
    digits: list[str] = []
    for ch in stripped:
        if ch.isdecimal():
            digits.append(str(unicodedata.decimal(ch)))
        elif ch == "+" or ch == "\uff0b":
            if has_plus or digits:
                raise NumberError("not a phone number: '+' must come once, before the digits")
            has_plus = True
        elif ch.isalpha():
            raise NumberError("not a phone number: contains letters")
        elif not (ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) == "Cf"):
            raise NumberError(f"not a phone number: contains {ch!r}")
    if not digits:
        raise NumberError("not a phone number: contains no digits")
    return has_plus, "".join(digits)


def _readings(has_plus: bool, digits: str) -> list[str]:
    """Texts to hand phonenumbers (region GB), the most likely reading first."""
    if has_plus:
        return ["+" + digits]
    if digits.startswith("0"):  # "00…" international prefix or "0…" UK trunk prefix
        return [digits]
    if digits.startswith(str(_UK_COUNTRY_CODE)) or len(digits) > _UK_NSN_MAX:
        return ["+" + digits]
    return [digits, "+" + digits]


def _country_code_of(reading: str) -> int | None:
    """The country code a reading names (``+…`` or ``00…``); 44 for a UK national reading."""
    if reading.startswith("+"):
        rest = reading[1:]
    elif reading.startswith("00"):
        rest = reading[2:]
    else:
        return _UK_COUNTRY_CODE
    for size in (1, 2, 3):  # country codes are prefix-free
        if len(rest) >= size and int(rest[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return int(rest[:size])
    return None


def _resolve(text: str) -> _Outcome:
    try:
        has_plus, digits = _normalise(text)
    except NumberError as exc:
        return _Outcome(None, str(exc), None)
    readings = _readings(has_plus, digits)
    first_failure: _Outcome | None = None
    for reading in readings:
        outcome = _try_reading(reading)
        if outcome.number is not None:
            return outcome
        if first_failure is None:
            first_failure = outcome
    assert first_failure is not None  # readings is never empty
    return first_failure


def _try_reading(reading: str) -> _Outcome:
    code = _country_code_of(reading)
    scope = "UK" if code in (None, _UK_COUNTRY_CODE) else f"+{code}"
    try:
        parsed = phonenumbers.parse(reading, _DEFAULT_REGION)
    except NumberParseException as exc:
        return _Outcome(None, _parse_failure(exc, scope), code)
    code = parsed.country_code
    scope = "UK" if code == _UK_COUNTRY_CODE else f"+{code}"
    if phonenumbers.is_valid_number(parsed):
        digits = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)[1:]
        region = phonenumbers.region_code_for_number(parsed)
        return _Outcome(PhoneNumber(digits, region), "", code)
    return _Outcome(None, _invalid_reason(parsed, scope), code)


def _parse_failure(exc: NumberParseException, scope: str) -> str:
    kind = exc.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return "not a phone number: unknown country code"
    if kind == NumberParseException.TOO_LONG:
        return f"not a valid {scope} number: too long"
    # NOT_A_NUMBER (a digit or two), TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD
    return f"not a valid {scope} number: too short"


def _invalid_reason(parsed: phonenumbers.PhoneNumber, scope: str) -> str:
    why = phonenumbers.is_possible_number_with_reason(parsed)
    if why in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return f"not a valid {scope} number: too short"
    if why == ValidationResult.TOO_LONG:
        return f"not a valid {scope} number: too long"
    if why == ValidationResult.INVALID_LENGTH:
        return f"not a valid {scope} number: wrong number of digits"
    if why == ValidationResult.INVALID_COUNTRY_CODE:
        return "not a phone number: unknown country code"
    # A possible length but no valid range: say "too short" / "too long" when one digit
    # more / fewer would make it valid (07400 12345 is a mobile missing a digit).
    code = parsed.country_code or 0
    nsn = phonenumbers.national_significant_number(parsed)
    if any(_valid_nsn(code, nsn + extra) for extra in "0123456789"):
        return f"not a valid {scope} number: too short"
    if len(nsn) > 1 and _valid_nsn(code, nsn[:-1]):
        return f"not a valid {scope} number: too long"
    return f"not a valid {scope} number: not a number range in use"


def _valid_nsn(country_code: int, nsn: str) -> bool:
    candidate = _parse_e164(f"{country_code}{nsn}")
    return candidate is not None and bool(phonenumbers.is_valid_number(candidate))
