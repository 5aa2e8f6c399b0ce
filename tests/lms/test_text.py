import pytest

from lms.text import fold, nfc, slugify_vi


def test_fold_matches_without_accents():
    assert fold("Dịch vụ công trực tuyến") == "dich vu cong truc tuyen"
    assert fold("ĐẮK LẮK") == "dak lak"


def test_nfc_composes_decomposed_input():
    decomposed = "Nguye\u0302\u0303n"
    assert nfc(decomposed) == "Nguyễn"
    assert len(nfc(decomposed)) == 6


def test_hoa_spellings_stay_distinct_but_fold_together():
    assert nfc("Hoà") != nfc("Hòa")
    assert fold("Hoà") == fold("Hòa") == "hoa"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Đắk Lắk", "dak-lak"),
        ("Cộng đồng số", "cong-dong-so"),
        ("VNeID mức 2", "vneid-muc-2"),
    ],
)
def test_slug_transliterates_vietnamese(title, slug):
    assert slugify_vi(title) == slug
