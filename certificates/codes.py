"""Certificate codes: unguessable, easy to read aloud, type and check.

A code looks like ``7KCX2-MR9TF-4HVND``: fifteen characters from a 23-character
alphabet, shown in three groups of five. The first fourteen characters are drawn
with :mod:`secrets` (23**14 is about 2**63.3, so a code cannot be guessed and two
codes practically never collide); the fifteenth is a check character.

Alphabet: ``23456789CDFGHJKMNPRTVXZ``, the digits 2-9 and fifteen consonants.

- No ``0 O Q`` and no ``1 I L``: the round and the upright look-alikes.
- No ``B`` and no ``S``: they are read as ``8`` and ``5``. ``Z``/``2`` and ``G``/``6``
  stay, because removing them too would need a longer code; the check character
  catches such a misreading.
- No vowels (``A E I O U Y``) and no ``W``. A code then never spells a word, and
  the Vietnamese input methods that most people leave switched on (Telex, VNI)
  cannot rewrite it while it is typed: they act only on a vowel (``AS`` -> ``Á``,
  ``A1`` -> ``Á``), on a lone ``W`` (-> ``Ư``), and on ``DD``/``D9`` (-> ``Đ``),
  which :func:`code_normalize` undoes.
- 23 is prime, which the check character needs.

Check character: with the characters' positions ``i = 1..15`` in the alphabet
taken as values ``v_i``, a code is valid when ``sum(i * v_i) % 23 == 0``. Every
weight is a distinct non-zero number below the prime 23, so changing one
character always changes the sum (any single substitution is caught), and so
does swapping two different characters (any transposition, adjacent or not).
The check runs before any database lookup.

Typing: :func:`code_normalize` ignores case, spaces and dashes, and reads a typed
character that is not in the alphabet as the one it is mistaken for: ``O 0 Q``
-> ``D``; ``S`` -> ``5``; ``B`` -> ``8``; ``U`` -> ``V``; ``I 1 L`` -> ``J`` or
``7``; ``Đ`` -> ``DD`` or ``D9``. Where there are two readings, the check
character chooses: for one such character at most one reading can be valid,
since the readings differ by a single substitution. A wrong guess therefore
never yields another valid code; the input is rejected instead.
"""

import itertools
import secrets
import unicodedata

ALPHABET = "23456789CDFGHJKMNPRTVXZ"

_PAYLOAD_LENGTH = 14
_CODE_LENGTH = _PAYLOAD_LENGTH + 1
_GROUP_LENGTH = 5
_MODULUS = len(ALPHABET)
_VALUE = {char: value for value, char in enumerate(ALPHABET)}

# What people type instead of a code character, and the readings to try.
_TYPED_READINGS = {
    "O": ("D",),
    "0": ("D",),
    "Q": ("D",),
    "S": ("5",),
    "B": ("8",),
    "U": ("V",),
    "I": ("J", "7"),
    "1": ("J", "7"),
    "L": ("J", "7"),
    "Đ": ("DD", "D9"),
}

# Longer inputs are not codes; the limits keep the work per request small.
_MAX_INPUT_LENGTH = 64
_MAX_READINGS = 64


def _weighted_sum(chars: str) -> int:
    return sum(position * _VALUE[char] for position, char in enumerate(chars, start=1))


def _check_char(payload: str) -> str:
    # Solve (sum + 15 * v) % 23 == 0 for the check value v.
    inverse = pow(_CODE_LENGTH, -1, _MODULUS)
    return ALPHABET[(-_weighted_sum(payload) * inverse) % _MODULUS]


def _is_valid(chars: str) -> bool:
    return len(chars) == _CODE_LENGTH and _weighted_sum(chars) % _MODULUS == 0


def _display(chars: str) -> str:
    return "-".join(
        chars[start : start + _GROUP_LENGTH]
        for start in range(0, _CODE_LENGTH, _GROUP_LENGTH)
    )


def code_generate() -> str:
    """Return a new random code in its display form, e.g. ``7KCX2-MR9TF-4HVND``."""
    # One draw of the whole number, read in base 23: uniform, and one system call.
    number = secrets.randbelow(_MODULUS**_PAYLOAD_LENGTH)
    values = []
    for _ in range(_PAYLOAD_LENGTH):
        number, value = divmod(number, _MODULUS)
        values.append(ALPHABET[value])
    payload = "".join(values)
    return _display(payload + _check_char(payload))


def code_normalize(text: str) -> str | None:
    """Return the display form of a typed code, or None if it is not a valid code.

    Accepts lower case, spaces, any kind of dash or none, and the look-alike
    characters described in the module docstring. Returns None when the text
    has the wrong length, contains other characters, fails the check character,
    or reads as more than one valid code.
    """
    if len(text) > _MAX_INPUT_LENGTH:
        return None
    options = []
    for char in unicodedata.normalize("NFKC", text).upper():
        if char.isspace() or unicodedata.category(char) == "Pd":
            continue
        if char in _VALUE:
            options.append((char,))
        elif char in _TYPED_READINGS:
            options.append(_TYPED_READINGS[char])
        else:
            return None
    if not options or len(options) > _CODE_LENGTH:
        return None
    readings_count = 1
    for choices in options:
        readings_count *= len(choices)
    if readings_count > _MAX_READINGS:
        return None
    valid = {
        reading
        for reading in map("".join, itertools.product(*options))
        if _is_valid(reading)
    }
    if len(valid) != 1:
        return None
    return _display(valid.pop())
