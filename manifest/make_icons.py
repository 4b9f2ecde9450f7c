"""Draw the Teams app icons (``color.png``, ``outline.png``) with the standard library only.

Teams wants a full-colour 192×192 icon and a 32×32 outline icon that is white
on a transparent background. Both show a target (three rings and a centre),
the OKR symbol. Edges are anti-aliased by 4×4 supersampling. The PNGs are
committed; run this again only to change the drawing::

    .venv/bin/python manifest/make_icons.py
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x1F, 0x5F, 0xA8)  # also the manifest's accentColor (#1F5FA8)
WHITE = (255, 255, 255)
SUPERSAMPLE = 4

# Rings of the target as (inner, outer) radii, a fraction of half the icon's size.
RINGS = ((0.0, 0.16), (0.32, 0.46), (0.62, 0.78))

Rgba = tuple[int, int, int, int]


def png_bytes(width: int, height: int, pixels: list[Rgba]) -> bytes:
    """Encode RGBA pixels (row by row) as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0 (none) for every row
        for r, g, b, a in pixels[y * width : (y + 1) * width]:
            rows += bytes((r, g, b, a))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def coverage(size: int, x: int, y: int, inside: Callable[[float, float], bool]) -> float:
    """The share of pixel (x, y) inside the shape, coordinates in [-1, 1] from the centre."""
    hits = 0
    for sy in range(SUPERSAMPLE):
        for sx in range(SUPERSAMPLE):
            u = (x + (sx + 0.5) / SUPERSAMPLE) / size * 2 - 1
            v = (y + (sy + 0.5) / SUPERSAMPLE) / size * 2 - 1
            hits += inside(u, v)
    return hits / SUPERSAMPLE**2


def in_target(u: float, v: float) -> bool:
    """Whether a point lies on one of the target's rings."""
    r = math.hypot(u, v)
    return any(inner <= r <= outer for inner, outer in RINGS)


def color_icon(size: int = 192) -> bytes:
    """White target on the accent colour, opaque."""
    pixels: list[Rgba] = []
    for y in range(size):
        for x in range(size):
            c = coverage(size, x, y, in_target)
            r, g, b = (round(a + (w - a) * c) for a, w in zip(ACCENT, WHITE, strict=True))
            pixels.append((r, g, b, 255))
    return png_bytes(size, size, pixels)


def outline_icon(size: int = 32) -> bytes:
    """White target on transparent: every pixel is white or fully transparent."""
    pixels: list[Rgba] = []
    for y in range(size):
        for x in range(size):
            alpha = round(255 * coverage(size, x, y, in_target))
            pixels.append((*WHITE, alpha) if alpha else (0, 0, 0, 0))
    return png_bytes(size, size, pixels)


def main(argv: list[str]) -> int:
    """Write both icons next to this script (or into the folder given)."""
    out = Path(argv[0]) if argv else HERE
    (out / "color.png").write_bytes(color_icon())
    (out / "outline.png").write_bytes(outline_icon())
    print(f"wrote {out / 'color.png'} and {out / 'outline.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
