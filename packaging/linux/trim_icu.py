"""Rebuild PySide6's ``libicudata.so.<N>`` without the ICU data Qt cannot reach.

The PySide6 wheel's QtCore links ICU, and ``libicudata.so.<N>`` (30.6 MB) is one
exported symbol, ``icudt<N>_dat``: an ICU *common data* package (a table of contents
and ~3,900 items). Only libQt6Core calls ICU in the bundle (``nm -D --undefined-only``
over every bundled ELF file: ``*_73`` symbols appear only in libQt6Core and ICU itself),
and it calls four ICU services:

* ``ucol_*``            QCollator                    -> ``coll/``, locale ``*.res``
* ``ucnv_*``            QStringConverter (legacy)    -> ``*.cnv``, ``cnvalias.icu``
* ``ucal_*``            QTimeZone display names      -> ``zone/``, ``*.res``, misc ``*.res``
* ``u_strToUpper/Lower`` QLocale::toUpper/toLower    -> case data built into libicuuc

Qt does its own text layout, line/word/grapheme breaking (QTextBoundaryFinder,
QTextLayout), number/date/currency formatting and language/country names (Qt's CLDR
tables), so the data of the ICU services nothing calls is left out (DROP below):
break iterators and their dictionaries, transliterators, spelled-out numbers, unit,
currency, language and region display names, Unicode character names, spoof-check
(confusables) and StringPrep profiles. About 15 MB.

``packaging/linux/icu_check.py`` compares what those four services give (collation
order and sort keys, case mapping, every time zone's names, every codec) and how Qt lays
out and renders a mixed-script paragraph with emoji, between the wheel's ICU data and
the trimmed one; build.spec's trimmed library is checked by scripts/bundle and
tests/packaging/test_bundle.py.

Needs only binutils (``as``, ``ld``), which PyInstaller already requires on Linux.

    python packaging/linux/trim_icu.py SRC/libicudata.so.73 OUT/libicudata.so.73
"""

from __future__ import annotations

import fnmatch
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Item names inside the package, after its "icudt<N><l|b>/" prefix.
DROP = (
    "brkitr/*",  # break iterator rules and Thai/CJK/Lao/Khmer/Burmese dictionaries (ubrk)
    "translit/*",  # transliterators (utrans)
    "rbnf/*",  # rule-based "spelled out" number formats
    "unit/*",  # measure unit names (MeasureFormat)
    "curr/*",  # currency display names (ucurr names; Qt has its own)
    "lang/*",  # language/script display names (LocaleDisplayNames; Qt has its own)
    "region/*",  # country display names (LocaleDisplayNames; Qt has its own)
    "unames.icu",  # Unicode character names (u_charName)
    "confusables*.cfu",  # spoof checking (uspoof)
    "*.spp",  # StringPrep profiles (usprep, IDNA2003; Qt's IDNA is its own)
)


class IcuDataError(Exception):
    """The file is not what this script knows how to trim."""


def read_elf_symbol(path: Path) -> tuple[str, bytes]:
    """The ``icudt*_dat`` symbol's name and bytes in an ELF64 little-endian library."""
    raw = path.read_bytes()
    if raw[:4] != b"\x7fELF" or raw[4] != 2 or raw[5] != 1:
        raise IcuDataError(f"{path}: not a little-endian ELF64 file")
    (shoff,) = struct.unpack_from("<Q", raw, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", raw, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", raw, shoff + i * shentsize) for i in range(shnum)]
    found = []
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link]
        for pos in range(offset, offset + size, entsize):
            st_name, _inf, _oth, st_shndx, value, st_size = struct.unpack_from("<IBBHQQ", raw, pos)
            start = strtab[4] + st_name
            name = raw[start : raw.index(b"\0", start)].decode()
            if name.startswith("icudt") and name.endswith("_dat") and st_shndx:
                sec = sections[st_shndx]
                file_off = sec[4] + (value - sec[3])
                found.append((name, raw[file_off : file_off + st_size]))
    if len(found) != 1:
        raise IcuDataError(f"{path}: expected one icudt*_dat symbol, found {len(found)}")
    return found[0]


def parse_package(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split ICU common data into its header and ``(name, item bytes)`` in ToC order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[8] != 0:
        raise IcuDataError("not little-endian ICU common data (CmnD)")
    toc = data[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        name = toc[name_off : toc.index(b"\0", name_off)].decode("ascii")
        items.append((name, toc[data_off:end]))
    return data[:header_size], items


def _pad16(blob: bytearray) -> None:
    blob.extend(b"\xaa" * (-len(blob) % 16))  # icupkg pads with 0xaa


def build_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """ICU common data from a header and items (kept in order: ICU binary-searches)."""
    if len(header) % 16:
        raise IcuDataError("header not 16-byte aligned")
    names = bytearray()
    name_offsets = []
    toc_size = 4 + 8 * len(items)
    for name, _blob in items:
        name_offsets.append(toc_size + len(names))
        names.extend(name.encode("ascii") + b"\0")
    body = bytearray(struct.pack("<I", len(items)))
    body.extend(b"\0" * (8 * len(items)))
    body.extend(names)
    _pad16(body)
    for i, (_name, blob) in enumerate(items):
        struct.pack_into("<II", body, 4 + 8 * i, name_offsets[i], len(body))
        body.extend(blob)
        _pad16(body)
    return bytes(header) + bytes(body)


def dropped(name: str) -> bool:
    """Whether an item (``icudt73l/brkitr/char.brk`` or ``brkitr/char.brk``) goes."""
    package, _slash, rest = name.partition("/")
    item = rest if package.startswith("icudt") and rest else name
    return any(fnmatch.fnmatchcase(item, pattern) for pattern in DROP)


def write_library(data: bytes, symbol: str, soname: str, out: Path) -> None:
    """A shared library exporting ``symbol`` = ``data`` (what ICU's pkgdata makes)."""
    with tempfile.TemporaryDirectory(prefix="hubdesk-icu-") as tmp:
        dat = Path(tmp) / "icudt.dat"
        dat.write_bytes(data)
        asm = Path(tmp) / "icudt.s"
        asm.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.size {symbol}, {len(data)}\n"
            "\t.balign 16\n"
            f"{symbol}:\n"
            f'\t.incbin "{dat}"\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        obj = Path(tmp) / "icudt.o"
        subprocess.run(["as", "--64", "-o", str(obj), str(asm)], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["ld", "-shared", "-z", "noexecstack", "-soname", soname, "-o", str(out), str(obj)],
            check=True,
        )


def trim(src: Path, out: Path) -> tuple[int, int, list[str]]:
    """Write the trimmed library; returns (bytes before, bytes after, items dropped)."""
    symbol, data = read_elf_symbol(src)
    header, items = parse_package(data)
    kept = [(n, b) for n, b in items if not dropped(n)]
    gone = [n for n, _b in items if dropped(n)]
    trimmed = build_package(header, kept)
    # Round trip: what is kept reads back unchanged.
    if parse_package(trimmed)[1] != [(n, b + b"\xaa" * (-len(b) % 16)) for n, b in kept]:
        raise IcuDataError("the rebuilt package does not read back")
    write_library(trimmed, symbol, src.name, out)
    return src.stat().st_size, out.stat().st_size, gone


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    before, after, gone = trim(Path(argv[0]), Path(argv[1]))
    print(
        f"{Path(argv[1]).name}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB "
        f"({len(gone)} ICU data items left out)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
