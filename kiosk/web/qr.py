"""QR codes as SVG (the `qrcode` package's SVG path image: no Pillow), cached by content.

Owns turning a URL into an SVG document. Used for the signup link of an occurrence and for
a person's private link.
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg


@lru_cache(maxsize=512)
def svg(data: str) -> bytes:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
