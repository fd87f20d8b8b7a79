"""Pure parts of candidacy: statement text (Article 20.5), the lot order (22.2), photo
re-encoding (no metadata, no bombs)."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from congress.candidacy.listing import lot_order
from congress.candidacy.photos import PhotoRefused, reencode
from congress.candidacy.statements import clean, excerpt, paragraphs


def test_clean_keeps_markup_as_typed_and_drops_control_characters():
    assert clean("<b>x</b>\x00\x07\r\nnext  \r\n\r\n\r\n\r\nlast") == "<b>x</b>\nnext\n\nlast"


def test_paragraphs_split_on_blank_lines_and_keep_line_breaks():
    assert paragraphs("one\ntwo\n\n\nthree") == [["one", "two"], ["three"]]
    assert paragraphs("") == []


def test_excerpt_cuts_at_a_word():
    text = "كلمة " * 100
    short = excerpt(text, 30)
    assert short.endswith("…") and len(short) <= 31 and "كلم…" not in short
    assert excerpt("قصير") == "قصير"


@given(st.text(max_size=300))
def test_clean_is_idempotent(text):
    assert clean(clean(text)) == clean(text)


@given(st.lists(st.text(alphabet="0123456789M", min_size=1, max_size=6), unique=True), st.text())
def test_the_lot_is_a_permutation_reproducible_from_the_seed_art_22_2(numbers, seed):
    drawn = lot_order(seed, numbers)
    assert sorted(drawn) == sorted(numbers)
    assert lot_order(seed, list(reversed(numbers))) == drawn


def test_another_seed_gives_another_order():
    numbers = [f"M{i:04d}" for i in range(30)]
    assert lot_order("a" * 64, numbers) != lot_order("b" * 64, numbers)


def jpeg(size=(1000, 500), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, "JPEG", **save)
    return out.getvalue()


def test_reencode_shrinks_and_strips_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    raw = jpeg(exif=exif.tobytes(), comment=b"private note")
    clean_bytes = reencode(raw, limit=10_000_000)
    assert b"SecretCam" not in clean_bytes and b"private note" not in clean_bytes
    with Image.open(io.BytesIO(clean_bytes)) as image:
        assert image.size == (480, 240) and image.format == "JPEG"


def test_reencode_applies_the_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    with Image.open(io.BytesIO(reencode(jpeg(exif=exif.tobytes()), limit=10**7))) as image:
        assert image.size == (240, 480)


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, jpeg()[:300]])
def test_reencode_refuses_what_is_not_a_readable_photo(data):
    with pytest.raises(PhotoRefused):
        reencode(data, limit=10_000_000)


def test_reencode_refuses_an_oversized_file_before_reading_it():
    with pytest.raises(PhotoRefused):
        reencode(jpeg(), limit=100)
