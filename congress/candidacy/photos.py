"""The candidate's photo: JPEG or PNG in, a small re-encoded JPEG out, no metadata kept.

The upload is checked from its header before any pixel is decoded, so an image
bomb (a small file declaring huge dimensions) is refused without the memory it asks.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from congress.audit import actions
from congress.audit.operations import actor_label, record
from congress.conference.models import Conference
from congress.extensions import db
from congress.models_common import utcnow

from .common import CandidacyError
from .models import Candidacy
from .statements import require_editable

MAX_BYTES = 2 * 1024 * 1024  # CANDIDATE_PHOTO_MAX_BYTES overrides
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
MIN_SIDE = 48
OUT_SIDE = 480


class PhotoRefused(CandidacyError):
    """The upload is not a usable photo; the message says why."""


def max_bytes() -> int:
    return int(current_app.config.get("CANDIDATE_PHOTO_MAX_BYTES") or MAX_BYTES)


def reencode(data: bytes, limit: int | None = None) -> bytes:
    """A clean JPEG at most OUT_SIDE pixels a side, or PhotoRefused."""
    limit = limit or max_bytes()
    if not data:
        raise PhotoRefused(_("The photo file is empty."))
    if len(data) > limit:
        raise PhotoRefused(_("The photo is larger than %(n)d KB.", n=limit // 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise PhotoRefused(
                        _(
                            "The photo is %(w)d×%(h)d pixels; at most %(side)d pixels a side "
                            "are accepted.",
                            w=width,
                            h=height,
                            side=MAX_SIDE,
                        )
                    )
                if width < MIN_SIDE or height < MIN_SIDE:
                    raise PhotoRefused(
                        _("The photo must be at least %(side)d pixels a side.", side=MIN_SIDE)
                    )
                image.draft("RGB", (OUT_SIDE * 2, OUT_SIDE * 2))  # JPEG: decode at reduced size
                upright = ImageOps.exif_transpose(image)
                flat = _flatten(upright)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise PhotoRefused(
            _(
                "The photo declares far too many pixels; at most %(side)d pixels a side "
                "are accepted.",
                side=MAX_SIDE,
            )
        ) from bomb
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        IndexError,
        TypeError,
        KeyError,
        ZeroDivisionError,
    ) as broken:
        raise PhotoRefused(_("The file is not a JPEG or PNG image that can be read.")) from broken
    flat.thumbnail((OUT_SIDE, OUT_SIDE), Image.Resampling.LANCZOS)
    pristine = Image.new("RGB", flat.size)  # pixels only: no comment, profile or EXIF rides along
    pristine.paste(flat)
    out = io.BytesIO()
    pristine.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white ground: transparency, palettes and grey scales all end the same."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba.getchannel("A"))
        return ground
    return image.convert("RGB")


def set_photo(candidacy: Candidacy, data: bytes, *, actor, now: datetime | None = None) -> None:
    conference = db.session.get(Conference, candidacy.conference_id)
    require_editable(candidacy, conference, actor, now or utcnow())
    clean = reencode(data)
    candidacy.photo = clean
    candidacy.photo_sha256 = hashlib.sha256(clean).hexdigest()
    record(
        actions.CANDIDACY_PHOTO,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "sha256": candidacy.photo_sha256, "bytes": len(clean)},
    )


def remove_photo(candidacy: Candidacy, *, actor, now: datetime | None = None) -> None:
    conference = db.session.get(Conference, candidacy.conference_id)
    require_editable(candidacy, conference, actor, now or utcnow())
    if candidacy.photo is None:
        return
    candidacy.photo, candidacy.photo_sha256 = None, ""
    record(
        actions.CANDIDACY_PHOTO,
        actor=actor_label(actor),
        subject=f"candidacy:{candidacy.id}",
        data={"conference": conference.id, "removed": True},
    )
