"""Does Qt behave the same with the trimmed ICU data (``trim_icu.py``) as with the wheel's?

    python packaging/linux/icu_check.py                 print the report (JSON)
    python packaging/linux/icu_check.py --compare LIB   report twice, with the venv's
                                                        PySide6 ICU data and with LIB
                                                        (LD_PRELOAD), and diff them

The report covers what QtCore asks ICU for, plus the text handling HubDesk relies on:

* ``collation``: QCollator order and pairwise comparisons of a mixed word list, for 48
  locales and the numeric/case/punctuation options (``coll/``);
* ``case``: QLocale::toUpper/toLower, Turkish/Lithuanian/Greek/Dutch/German specials;
* ``timezones``: every QTimeZone id's long/short standard/daylight/generic names in 16
  locales, and its ``tt``-formatted abbreviation (``zone/`` and metazone data);
* ``codecs``: every QStringConverter codec name: valid, canonical name (``*.cnv``);
* ``locale``: number, currency, date formats and language/country names;
* ``text``: QTextBoundaryFinder breaks (grapheme/word/sentence/line) and a QTextLayout of
  a paragraph mixing English, emoji (ZWJ sequences, flags, skin tones), Thai, Japanese,
  Arabic and Hindi wrapped at two widths: line ranges and widths, and the SHA-256 of the
  rendered image.

Exits 1 when ``--compare`` finds a difference (printed), or when LIB was not the
libicudata the second run loaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

COLLATION_LOCALES = (
    "en_US de_DE de_AT sv_SE fi_FI da_DK nb_NO is_IS fr_FR fr_CA es_ES es_MX it_IT pt_BR "
    "pl_PL cs_CZ sk_SK hu_HU ro_RO hr_HR sl_SI lt_LT lv_LV et_EE tr_TR az_AZ el_GR ru_RU "
    "uk_UA bg_BG sr_RS he_IL ar_SA fa_IR hi_IN bn_BD th_TH vi_VN ja_JP zh_CN zh_TW zh_HK "
    "ko_KR cy_GB ga_IE ca_ES eu_ES C"
).split()
WORDS = [
    "apple", "Apple", "APPLE", "äpple", "Äpfel", "aepfel", "zebra", "Zürich", "zurich",
    "öl", "oel", "ol", "Øre", "ore", "Ångström", "angstrom", "ß", "ss", "straße", "strasse",
    "ch", "cz", "chleba", "ciasto", "ćma", "łódź", "lodz", "ñandú", "nandu", "ıspanak",
    "ispanak", "İzmir", "izmir", "ǆungla", "cote", "coté", "côte", "côté", "co-op", "coop",
    "co op", "file10", "file2", "file1", "x-9", "x9", "Ω", "ω", "я", "е", "ё", "ж",
    "Ђ", "ж", "א", "ב", "ا", "ب", "پ", "क", "ख", "ก", "ข", "เก", "một", "mot", "漢字",
    "中文", "日本", "ひらがな", "カタカナ", "한국어", "가나다", "😀", "👍🏽", "1", "2", "10",
    "½", "①", "", " ", "!", "?", "é", "e\u0301", "ﬁ", "fi",
]  # fmt: skip
CASE_LOCALES = "en_US tr_TR az_AZ lt_LT el_GR nl_NL de_DE".split()
CASE_TEXT = "iıİI ß ẞ ŉ ǰ Σίσυφος ΐ όσος ﬃ ĳ ij Ĳ i̇ ǅ straße IJsselmeer"
ZONE_LOCALES = (
    "en_US en_GB de_DE fr_FR es_ES ja_JP zh_CN ru_RU ar_EG hi_IN he_IL pt_BR fa_IR th_TH ko_KR C"
).split()
FORMAT_LOCALES = "en_US en_GB de_DE fr_FR ar_EG hi_IN ja_JP zh_CN ru_RU fa_IR th_TH sv_SE".split()
PARAGRAPH = (
    "HubDesk self-check: Hello, world! Meeting at 10:30 👍🏽 — see you there 🇬🇧🇩🇪 "
    "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, ❤️ heart. สวัสดีครับ ยินดีต้อนรับ "
    "こんにちは、世界。今日はいい天気ですね。 مرحبا بالعالم 123 نص عربي. "
    "नमस्ते दुनिया। A very-long-hyphenated-compound-word-that-must-wrap-somewhere "
    "and https://example.com/a/really/long/path?with=query&and=more."
)


def _collation() -> dict[str, object]:
    from PySide6.QtCore import QCollator, QLocale, Qt

    out: dict[str, object] = {}
    for name in COLLATION_LOCALES:
        for numeric, case, punct in ((False, True, False), (True, False, True)):
            coll = QCollator(QLocale(name))
            coll.setNumericMode(numeric)
            coll.setCaseSensitivity(
                Qt.CaseSensitivity.CaseSensitive if case else Qt.CaseSensitivity.CaseInsensitive
            )
            coll.setIgnorePunctuation(punct)
            order = sorted(WORDS, key=functools.cmp_to_key(coll.compare))
            signs = "".join(
                "<=>"[(coll.compare(a, b) > 0) - (coll.compare(a, b) < 0) + 1]
                for a in WORDS for b in WORDS
            )  # fmt: skip
            # Only the sign of a sort-key comparison is defined (its size is whatever
            # memcmp returns), and both keys are kept alive while they are compared:
            # PySide6 may free a temporary QCollatorSortKey before compare() reads it.
            first = coll.sortKey(WORDS[0])
            held = [coll.sortKey(w) for w in WORDS]
            keys = [_sign(k.compare(first)) for k in held]
            out[f"{name} n{int(numeric)} c{int(case)} p{int(punct)}"] = {
                "order": order,
                "signs": hashlib.sha256(signs.encode()).hexdigest(),
                "keys": keys,
            }
    return out


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _case() -> dict[str, object]:
    from PySide6.QtCore import QLocale

    return {
        name: [QLocale(name).toUpper(CASE_TEXT), QLocale(name).toLower(CASE_TEXT)]
        for name in CASE_LOCALES
    }


def _timezones() -> dict[str, object]:
    from PySide6.QtCore import QDate, QDateTime, QLocale, QTime, QTimeZone

    types = (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime,
             QTimeZone.TimeType.GenericTime)  # fmt: skip
    names = (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName,
             QTimeZone.NameType.OffsetName, QTimeZone.NameType.DefaultName)  # fmt: skip
    locales = [QLocale(n) for n in ZONE_LOCALES]
    out: dict[str, object] = {}
    for raw in QTimeZone.availableTimeZoneIds():
        tz = QTimeZone(raw)
        winter = QDateTime(QDate(2024, 1, 15), QTime(12, 0), tz)
        summer = QDateTime(QDate(2024, 7, 15), QTime(12, 0), tz)
        row = []
        for loc in locales:
            row.append([tz.displayName(t, n, loc) for t in types for n in names])
            row.append([loc.toString(winter, "tt ttt t"), loc.toString(summer, "tttt t")])
        out[bytes(raw.data()).decode()] = row
    return out


def _codecs() -> dict[str, object]:
    from PySide6.QtCore import QStringConverter, QStringDecoder, QStringEncoder

    out: dict[str, object] = {}
    for name in QStringConverter.availableCodecs():
        dec, enc = QStringDecoder(name), QStringEncoder(name)
        out[name] = [dec.isValid(), dec.name(), enc.isValid(), enc.name()]
    return out


def _locale() -> dict[str, object]:
    from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

    when = QDateTime(QDate(2024, 3, 9), QTime(14, 5, 7))
    out: dict[str, object] = {}
    for name in FORMAT_LOCALES:
        loc = QLocale(name)
        out[name] = [
            loc.toString(1234567.891, "f", 2), loc.toString(-42), loc.toCurrencyString(1234.5),
            loc.toString(when, QLocale.FormatType.LongFormat),
            loc.toString(when, QLocale.FormatType.ShortFormat),
            loc.dayName(3), loc.monthName(3), loc.nativeLanguageName(),
            loc.nativeTerritoryName(), loc.uiLanguages(), loc.formattedDataSize(123456789),
            QLocale.languageToString(loc.language()), QLocale.territoryToString(loc.territory()),
        ]  # fmt: skip
    return out


def _text() -> dict[str, object]:
    from PySide6.QtCore import QPointF, QTextBoundaryFinder
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextLayout, QTextOption

    out: dict[str, object] = {}
    for kind in ("Grapheme", "Word", "Sentence", "Line"):
        finder = QTextBoundaryFinder(getattr(QTextBoundaryFinder.BoundaryType, kind), PARAGRAPH)
        breaks = []
        pos = finder.toNextBoundary()
        while pos != -1:
            breaks.append(pos)
            pos = finder.toNextBoundary()
        out[kind] = breaks
    font = QFont("DejaVu Sans", 11)
    for width in (180, 420):
        layout = QTextLayout(PARAGRAPH, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        lines, y = [], 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
            lines.append([line.textStart(), line.textLength(), round(line.naturalTextWidth(), 2)])
        layout.endLayout()
        image = QImage(width + 20, int(y) + 20, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        layout.draw(painter, QPointF(10, 10))
        painter.end()
        out[f"layout {width}"] = {
            "lines": lines,
            "image": hashlib.sha256(bytes(image.constBits())).hexdigest(),
        }
    return out


def _loaded_icudata() -> list[str]:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return sorted({line.split()[-1] for line in maps if "libicudata" in line})


def report() -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    result: dict[str, Any] = {
        "collation": _collation(),
        "case": _case(),
        "timezones": _timezones(),
        "codecs": _codecs(),
        "locale": _locale(),
        "text": _text(),
    }
    # Sanity: ICU really answered (not an empty fallback everywhere).
    berlin = result["timezones"].get("Europe/Berlin")
    result["_sanity"] = {
        "de Berlin": berlin[4][0] if berlin else None,
        "sv order": result["collation"]["sv_SE n0 c1 p0"]["order"][:12],
        "codecs": len(result["codecs"]),
    }
    result["_libicudata"] = _loaded_icudata()
    return result


def _diff(a: object, b: object, path: str, out: list[str], limit: int = 40) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _diff(a.get(key), b.get(key), f"{path}/{key}", out, limit)
    else:
        out.append(
            f"{path}: {json.dumps(a, ensure_ascii=False)[:300]}\n"
            f"{' ' * len(path)}  != {json.dumps(b, ensure_ascii=False)[:300]}"
        )


def _run(preload: Path | None) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LC_ALL="C.UTF-8", TZ="UTC")
    env.pop("LD_PRELOAD", None)
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run(
        [sys.executable, __file__], capture_output=True, text=True, env=env, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(
            f"icu_check failed{' with ' + str(preload) if preload else ''}:\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def compare(lib: Path) -> int:
    lib = lib.resolve()
    full, trimmed = _run(None), _run(lib)
    loaded = [str(Path(p).resolve()) for p in trimmed.pop("_libicudata")]
    wheel = full.pop("_libicudata")
    if loaded != [str(lib)]:
        print(f"icu_check: the second run loaded {loaded}, not {lib}", file=sys.stderr)
        return 1
    diffs: list[str] = []
    _diff(full, trimmed, "", diffs)
    sizes = {k: len(v) for k, v in full.items() if isinstance(v, dict)}
    if diffs:
        print("icu_check: DIFFERENT with " + str(lib), file=sys.stderr)
        print("\n".join(diffs), file=sys.stderr)
        return 1
    print(
        f"icu_check: same results with {lib.name} as with {wheel}: {sizes}, "
        f"sanity {json.dumps(full['_sanity'], ensure_ascii=False)}"
    )
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 2:
        return compare(Path(argv[1]))
    if argv:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    print(json.dumps(report(), ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
