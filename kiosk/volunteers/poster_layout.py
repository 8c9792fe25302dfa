"""How much fits on the A4 poster: the sheet's measures, type sizes and text fitting.

Owns the estimate that keeps a poster on one page: what `poster.css` makes of the sheet in
mm, roughly how many lines a text takes in a given script and size, and cutting the
descriptions at a word (with the largest type that still fits). No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

# What poster.css makes of the sheet, in mm (1 pt = 0.3528 mm), to estimate how much of the
# descriptions fits: they are set smaller, then cut at a word, so the poster is one A4 page.
PT = 0.3528
SHEET = 272  # printed height: A4 less 2 x 12 mm margins, less 1 mm against rounding
WIDE, HALF = 186, 85  # text width of one column; of each of two columns side by side
FOOT = 77  # the QR code (60 mm), its address, the rule above it
GAP = 5  # between the sheet's parts
SAFETY = 6  # left free under the longest column (fonts differ between computers)


@dataclass(frozen=True)
class TypeSizes:
    """Type sizes (pt) of a column in poster.css: the first time line, the others, the text."""

    name: str
    first: float
    when: float
    description: float


# Largest first: short texts are set big, long ones small (and then cut).
TYPE_SIZES = (
    TypeSizes("roomy", 22, 16, 15),
    TypeSizes("normal", 19, 14, 13),
    TypeSizes("long", 19, 14, 11),
)
SCRIPT_WIDTH = {"ar": 0.92, "fa_AF": 0.92, "so": 1.1, "ti": 1.2}  # against Swedish


def glyph(code: str, bold: bool = False) -> float:
    """A character's average width in em in poster.css's Noto fonts, a little generous."""
    return (0.52 if bold else 0.49) * SCRIPT_WIDTH.get(code, 1.0)


def lines_of(text: str, size: float, width: float, code: str, bold: bool = False) -> int:
    """About how many lines `text` takes at `size` pt in `width` mm, wrapped at words."""
    room = width / (size * PT * glyph(code, bold))  # characters on a line
    lines, used = 0, room
    for word in text.split():
        if used + 1 + len(word) > room:
            lines, used = lines + 1, min(len(word), room)
            lines += int(len(word) // room)  # a word longer than a line is broken
        else:
            used += 1 + len(word)
    return lines


def rows_of(widths: list[float], width: float = WIDE, gap: float = 3) -> int:
    """How many rows a wrapping line of tiles this wide (mm) takes."""
    rows, used = 0, width
    for tile in widths:
        if used + gap + tile > width:
            rows, used = rows + 1, tile
        else:
            used += gap + tile
    return rows


@dataclass(frozen=True)
class PosterColumn:
    """One language's column: its times in words and its own description (possibly cut)."""

    code: str
    direction: str
    when: list[Markup]
    description: str
    pictograms: list[str]  # the words under the pictograms, in this language

    def when_height(self, width: float, sizes: TypeSizes) -> float:
        """mm taken by the heading "När" and the times (the first line larger and bold)."""
        heights = [
            lines_of(Markup(line).striptags(), size, width, self.code, bold=i == 0)
            * size
            * leading
            * PT
            for i, line in enumerate(self.when)
            for size, leading in [(sizes.first, 1.2) if i == 0 else (sizes.when, 1.3)]
        ]
        return 8 + sum(heights) + 1 + 4


def pictogram_tiles(columns: list[PosterColumn], spoken: str) -> list[float]:
    """The width in mm of each pictogram tile: symbol, padding and its longest word."""
    tiles = []
    for words in zip(*(c.pictograms for c in columns), strict=True):
        longest = max(
            len(w) * glyph(c.code, bold=True) for c, w in zip(columns, words, strict=True)
        )
        tiles.append(22 + 13 * PT * longest)
    return tiles + ([22 + 13 * PT * 0.48 * len(spoken)] if spoken else [])


def fit_descriptions(
    room: float, columns: list[PosterColumn], width: float
) -> tuple[list[PosterColumn], str]:
    """The columns with their descriptions cut to fit the `room` (mm) left for the columns;
    and the largest type that fits them (poster.css: roomy, normal, long)."""
    for sizes in TYPE_SIZES:
        left = room - max(c.when_height(width, sizes) for c in columns)
        lines = int(left // (sizes.description * 1.3 * PT))
        limits = [fitting(c.description, lines, sizes.description, width, c.code) for c in columns]
        if all(len(c.description) <= n for c, n in zip(columns, limits, strict=True)):
            break
    fitted = [
        replace(c, description=cut(c.description, n) if n >= 60 else "")  # no two-word stubs
        if len(c.description) > n
        else c
        for c, n in zip(columns, limits, strict=True)
    ]
    return fitted, sizes.name


def fitting(text: str, lines: int, size: float, width: float, code: str) -> int:
    """How many characters of `text` fit on `lines` lines (all of it, if it does)."""
    if lines_of(text, size, width, code) <= lines:
        return len(text)
    low, high = 0, len(text)  # the longest start that fits, by halving
    while low < high:
        middle = (low + high + 1) // 2
        if lines_of(text[:middle] + "…", size, width, code) <= lines:
            low = middle
        else:
            high = middle - 1
    return low


def cut(text: str, limit: int) -> str:
    """`text`, or its start up to a word before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:–-،؛") + "…"
