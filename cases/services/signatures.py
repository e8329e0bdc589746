"""Signatures drawn with a finger on the tablet (``static/js/signature.js`` over the vendored
signature_pad): checked, redrawn as a small PNG of our own, and stored with the custody record on
the private storage. What the browser sent is never stored as it came."""

from __future__ import annotations

import base64
import binascii
import io
import math
import re

from PIL import Image, ImageOps, UnidentifiedImageError

from poe_ops.refusals import Refusal

# A data URL of a PNG, as ``canvas.toDataURL()`` gives it.
DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=\s]+)$")
MAX_BYTES = 512 * 1024
MAX_SIDE = 2400
# Stored at most this wide (a tablet's high-density canvas is scaled down; a PDF needs no more).
STORED_WIDTH = 600
INK = 24  # the grey (nearly black) the stored signature is drawn in


def png_from_data_url(value: str, who: str) -> bytes:
    """The PNG a signature field sent, checked and redrawn; refused in words naming ``who``
    signs ("The receiver's signature") when it is missing, blank or not a drawing."""
    match = DATA_URL.match(value.strip())
    if not match:
        raise Refusal(f"{who} is missing: sign in the box with a finger.", code="no_signature")
    try:
        raw = base64.b64decode(match.group(1), validate=False)
    except (binascii.Error, ValueError):
        raise Refusal(f"{who} could not be read; clear the box and sign again.") from None
    return clean_png(raw, who)


def clean_png(raw: bytes, who: str) -> bytes:
    """``raw`` as a signature we keep: a PNG no larger than we allow, with something drawn on
    it, redrawn dark on transparency at most ``STORED_WIDTH`` wide (about 4 ms)."""
    if len(raw) > MAX_BYTES:
        raise Refusal(f"{who} is too large an image; clear the box and sign again.")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG":
                raise Refusal(f"{who} is not a drawing from the signature box; sign again.")
            if max(image.size) > MAX_SIDE:
                raise Refusal(f"{who} is too large an image; clear the box and sign again.")
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Refusal(f"{who} could not be read; clear the box and sign again.") from None
    # The ink: how opaque each pixel is (the box draws on transparency); a picture with no
    # transparency has its ink where it is dark.
    ink = rgba.getchannel("A")
    if ink.getextrema()[0] == 255:
        ink = ImageOps.invert(rgba.convert("L"))
    box = ink.point(lambda a: 255 if a > 32 else 0).getbbox()
    if box is None or (box[2] - box[0]) * (box[3] - box[1]) < 100:
        raise Refusal(f"{who} is blank: sign in the box with a finger.", code="no_signature")
    if ink.width > STORED_WIDTH:  # a high-density tablet canvas: box-filtered down, fast
        ink = ink.reduce(math.ceil(ink.width / STORED_WIDTH))
    # Dark ink on transparency, two channels: whatever colour or metadata came in is not kept.
    out = io.BytesIO()
    Image.merge("LA", (Image.new("L", ink.size, INK), ink)).save(out, format="PNG")
    return out.getvalue()


def as_data_url(png: bytes) -> str:
    """For the PDF: WeasyPrint reads ``data:`` URLs and nothing from the network."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
