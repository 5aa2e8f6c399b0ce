import math
import re

import pytest

from certificates.codes import ALPHABET, code_generate, code_normalize

DISPLAY_FORM = re.compile(rf"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}")
# Look-alikes of other characters, vowels (Vietnamese input methods rewrite
# them) and W (Telex turns it into Ư).
LEFT_OUT = "0O1ILQSBAEUYW"
# What a person may type for a code character, and the characters it stands for.
TYPED_FOR = {
    "O": "D",
    "o": "D",
    "0": "D",
    "Q": "D",
    "S": "5",
    "s": "5",
    "B": "8",
    "U": "V",
    "I": "J7",
    "i": "J7",
    "1": "J7",
    "l": "J7",
    "L": "J7",
}


def compact(code: str) -> str:
    return code.replace("-", "")


def display(chars: str) -> str:
    return f"{chars[:5]}-{chars[5:10]}-{chars[10:]}"


def sample_codes(count: int) -> list[str]:
    return [code_generate() for _ in range(count)]


def code_with(fragment: str) -> str:
    """A fresh code whose compact form contains fragment."""
    for _ in range(200_000):
        code = code_generate()
        if fragment in compact(code):
            return code
    raise AssertionError(f"no code with {fragment!r} in 200,000 tries")


def test_hundred_thousand_generated_codes_are_distinct_and_all_validate():
    codes = sample_codes(100_000)

    assert len(set(codes)) == len(codes)
    assert all(DISPLAY_FORM.fullmatch(code) for code in codes)
    assert all(code_normalize(code) == code for code in codes)
    # Every random position draws on the whole alphabet.
    for position in range(14):
        assert {compact(code)[position] for code in codes} == set(ALPHABET)


def test_codes_carry_at_least_sixty_random_bits():
    random_characters = len(compact(code_generate())) - 1

    assert random_characters * math.log2(len(ALPHABET)) >= 60


def test_alphabet_leaves_out_look_alikes_vowels_and_w():
    assert set(ALPHABET).isdisjoint(LEFT_OUT)
    assert len(set(ALPHABET)) == len(ALPHABET) == 23


def test_every_single_substitution_is_rejected():
    for code in sample_codes(300):
        chars = compact(code)
        for position, original in enumerate(chars):
            for replacement in ALPHABET.replace(original, ""):
                typo = chars[:position] + replacement + chars[position + 1 :]
                assert code_normalize(typo) is None, (code, typo)
                assert code_normalize(display(typo)) is None, (code, typo)


def test_every_adjacent_transposition_is_rejected():
    checked = 0
    for code in sample_codes(2_000):
        chars = compact(code)
        for position in range(len(chars) - 1):
            first, second = chars[position], chars[position + 1]
            if first == second:
                continue
            swapped = chars[:position] + second + first + chars[position + 2 :]
            assert code_normalize(display(swapped)) is None, (code, swapped)
            checked += 1
    assert checked > 20_000


def test_lower_case_spaces_and_missing_or_odd_dashes_are_accepted():
    code = code_generate()
    chars = compact(code)
    typed_forms = [
        code.lower(),
        chars,
        chars.lower(),
        f"  {code}  ",
        " ".join(chars),
        code.replace("-", " "),
        code.replace("-", "–"),
        code.replace("-", "\u00a0"),
        "".join(chr(ord(char) + 0xFEE0) for char in chars),  # full-width
        f"{chars[:4]} {chars[4:8]} {chars[8:12]} {chars[12:]}",
    ]

    for typed in typed_forms:
        assert code_normalize(typed) == code, typed


@pytest.mark.parametrize("typed", sorted(TYPED_FOR))
def test_a_typed_look_alike_reads_as_the_code_character(typed):
    for meant in TYPED_FOR[typed]:
        code = code_with(meant)
        position = compact(code).index(meant)
        chars = compact(code)
        mistyped = chars[:position] + typed + chars[position + 1 :]

        assert code_normalize(mistyped) == code


def test_a_typed_look_alike_never_becomes_another_valid_code():
    for code in sample_codes(300):
        chars = compact(code)
        for position in range(len(chars)):
            for typed in TYPED_FOR:
                mistyped = chars[:position] + typed + chars[position + 1 :]
                assert code_normalize(mistyped) in (code, None)


@pytest.mark.parametrize(
    ("pair", "typed"), [("DD", "Đ"), ("DD", "đ"), ("D9", "Đ"), ("D9", "đ")]
)
def test_vietnamese_input_method_d_with_stroke_is_undone(pair, typed):
    # Telex turns a typed "dd" into "đ", VNI turns "d9" into "đ".
    code = code_with(pair)

    assert code_normalize(compact(code).replace(pair, typed, 1)) == code
    assert code_normalize(code.lower().replace(pair.lower(), typed, 1)) == code


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "---",
        "CDFG",
        "23456-789CD-FGHJ",  # one character short
        "23456-789CD-FGHJKM",  # one character long
        "23456-789CD-FGHJ#",
        "23456-789CD-FGHJA",
        "23456-789CD-FGHJW",
        "23456-789CD-FGHJÁ",
        "IIIII-IIIII-IIIII",
        "https://example.org/c/23456-789CD-FGHJK",
        "x" * 10_000,
    ],
)
def test_malformed_input_is_rejected(typed):
    assert code_normalize(typed) is None


def test_a_code_with_a_wrong_check_character_is_rejected():
    code = code_generate()
    wrong_check = next(char for char in ALPHABET if char != code[-1])

    assert code_normalize(code[:-1] + wrong_check) is None
