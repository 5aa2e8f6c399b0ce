"""The byte ranges Django answers itself when no web server sends the files."""

import pytest

from lms.files import RangeNotSatisfiable, byte_range


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("bytes=0-", (0, 999)),
        ("bytes=0-0", (0, 0)),
        ("bytes=999-999", (999, 999)),
        ("bytes=100-199", (100, 199)),
        ("bytes=500-", (500, 999)),
        ("bytes=-1", (999, 999)),
        ("bytes=-200", (800, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=900-5000", (900, 999)),
        ("BYTES=1-2", (1, 2)),
        (" bytes = 1 - 2 ", (1, 2)),
        ("bytes=0000000000000000000000001-2", (1, 2)),
        (f"bytes=0-{'9' * 40}", (0, 999)),
    ],
)
def test_a_single_range_is_the_bytes_asked(header, wanted):
    assert byte_range(header, 1000) == wanted


@pytest.mark.parametrize(
    "header",
    [
        "",
        "bytes=",
        "bytes=-",
        "bytes=9-2",
        "bytes=0-1,5-6",
        "items=0-1",
        "bytes=a-b",
        "bytes=1-2-3",
    ],
)
def test_a_header_that_is_no_single_range_gets_the_whole_file(header):
    assert byte_range(header, 1000) is None


@pytest.mark.parametrize(
    ("header", "size"),
    [
        ("bytes=1000-", 1000),
        ("bytes=5000-6000", 1000),
        (f"bytes={'9' * 5000}-", 1000),
        ("bytes=-0", 1000),
        ("bytes=0-", 0),
        ("bytes=-1", 0),
    ],
)
def test_a_range_past_the_end_cannot_be_satisfied(header, size):
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, size)
