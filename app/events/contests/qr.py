"""The join code as a self-hosted SVG QR code (no network, no external service)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def join_qr_svg(url: str) -> bytes:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
