#!/usr/bin/env python3
"""Derives the two Noto Serif CJK SC files in this folder from Debian's collections.

Usage (fontTools 4.x, `pip install fonttools`):

    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb deb
    python3 derive_noto.py deb/usr/share/fonts/opentype/noto .

For each of NotoSerifCJK-Regular.ttc and NotoSerifCJK-Bold.ttc it takes the face whose name
table says "Noto Serif CJK SC" (face 2 of 5) and subsets it with fontTools, keeping the CFF
outlines and their hinting, every name record and the original timestamps, and dropping the
OpenType layout tables (the letters are set glyph by glyph from `cmap`, nothing shapes them):

* NotoSerifCJKsc-Regular.otf: every character the SC face maps except Hangul (syllables,
  jamo, compatibility jamo, parenthesised and circled Hangul, halfwidth Hangul). It keeps all
  of CJK Unified Ideographs, Extension A and the Extension B-F characters the face has, so
  rare name characters still print.
* NotoSerifCJKsc-Bold-GB2312.otf: the title face, cut down to GB2312 (all 7 445 characters)
  plus ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation and the fullwidth
  forms (not the halfwidth Hangul among them). A title character outside it falls back to the
  Regular face.
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

FACE_NAME = "Noto Serif CJK SC"

HANGUL = [
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3200, 0x321E),  # Parenthesized Hangul
    (0x3260, 0x327F),  # Circled Hangul
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul Syllables, Jamo Extended-B
    (0xFFA0, 0xFFDC),  # Halfwidth Hangul
]

TITLE_EXTRA = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def in_ranges(cp, ranges):
    return any(lo <= cp <= hi for lo, hi in ranges)


def gb2312():
    """Every character of GB2312 (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def sc_face(path):
    collection = TTCollection(path, recalcTimestamp=False)
    for face in collection.fonts:
        if face["name"].getDebugName(1) == FACE_NAME:
            return face
    sys.exit(f"{path}: no face named {FACE_NAME!r}")


def derive(source, target, keep):
    face = sc_face(source)
    face.recalcTimestamp = False
    unicodes = sorted(cp for cp in face.getBestCmap() if keep(cp))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = True
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(face)
    face.save(target)
    print(f"{target}: {len(unicodes)} characters, {face['maxp'].numGlyphs} glyphs, "
          f"{os.path.getsize(target)} bytes")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    derive(
        os.path.join(source, "NotoSerifCJK-Regular.ttc"),
        os.path.join(out, "NotoSerifCJKsc-Regular.otf"),
        lambda cp: not in_ranges(cp, HANGUL),
    )
    title = gb2312()
    derive(
        os.path.join(source, "NotoSerifCJK-Bold.ttc"),
        os.path.join(out, "NotoSerifCJKsc-Bold-GB2312.otf"),
        lambda cp: (cp in title or in_ranges(cp, TITLE_EXTRA)) and not in_ranges(cp, HANGUL),
    )


if __name__ == "__main__":
    main()
