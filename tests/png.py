"""A small PNG reader for tests: size and RGBA pixels of 8-bit, non-interlaced PNGs.

Enough to check the Teams icons and the card screenshots without an imaging
library. Unsupported files raise ``ValueError`` rather than being misread.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (no palettes)


@dataclass(frozen=True)
class Image:
    """A decoded image: ``pixels[y][x]`` is an (r, g, b, a) tuple."""

    width: int
    height: int
    pixels: list[list[tuple[int, int, int, int]]]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, without decoding the image."""
    head = path.read_bytes()[:24]
    if head[:8] != SIGNATURE or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def read_png(path: Path) -> Image:
    """Decode an 8-bit grey, grey+alpha, RGB or RGBA PNG."""
    data = path.read_bytes()
    if data[:8] != SIGNATURE:
        raise ValueError(f"{path} is not a PNG file")
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in _CHANNELS or interlace:
                raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour})")
            channels = _CHANNELS[colour]
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, row, previous, channels)
        rows.append(row)
        previous = row
    return Image(width, height, [_pixels(row, channels) for row in rows])


def _unfilter(kind: int, row: bytearray, previous: bytearray, bpp: int) -> None:
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up = previous[i]
        upper_left = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            predictor = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
            row[i] = (row[i] + predictor) & 0xFF
        elif kind != 0:
            raise ValueError(f"unknown PNG filter type {kind}")


def _pixels(row: bytearray, channels: int) -> list[tuple[int, int, int, int]]:
    out = []
    for i in range(0, len(row), channels):
        sample = row[i : i + channels]
        if channels == 1:
            out.append((sample[0], sample[0], sample[0], 255))
        elif channels == 2:
            out.append((sample[0], sample[0], sample[0], sample[1]))
        elif channels == 3:
            out.append((sample[0], sample[1], sample[2], 255))
        else:
            out.append((sample[0], sample[1], sample[2], sample[3]))
    return out
