"""One translation function for every user-facing string: ``t(key, **kwargs)``, backed by gettext catalogs.

The catalogs are gettext ``.po`` files under ``cxkpi/locale/<dir>/LC_MESSAGES/cxkpi.po`` (dirs ``en``,
``zh_Hans_CN``, ``zh_Hant_TW``, ``it_IT``), kept up to date with Babel's extract/update workflow
(``docs/i18n.md``). A msgid is a short dotted key (``"nav.scorecard"``), not English text: call sites stay
``t("nav.scorecard")`` and the English text lives in the ``en`` catalog like any other language.

Per session, never process-wide: each language has one ``gettext.translation(...)`` object, built once and
shared read-only by every session; a context variable (``set_locale``) picks the object for the current run,
so two viewers in two languages on one server each see their own. ``gettext.install()`` is never used.

Fallbacks: a key without a translation shows the English text; a key without English shows itself (with
``{name}`` placeholders filled), so an unknown key is visible rather than a crash. Strings defined at import
time are marked ``N_("key")`` and translated when drawn.
"""

from __future__ import annotations

import contextvars
import gettext
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "cxkpi"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("en", "zh_Hans", "zh_Hant", "it")
DEFAULT_LOCALE = "en"
# cxkpi locale -> its catalog directory (script and territory spelled out: no bare "zh").
CATALOG_DIRS = {"en": "en", "zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW", "it": "it_IT"}


def N_(key: str) -> str:
    """Mark a key for extraction without translating it now (it is translated when drawn)."""
    return key


def po_path(locale: str) -> Path:
    return LOCALE_DIR / CATALOG_DIRS[locale] / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str):
    """The Babel catalog of ``locale`` as stored in the repository."""
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=CATALOG_DIRS[locale] if locale != "en" else "en", domain=DOMAIN)


def _english() -> dict[str, str]:
    if not po_path("en").exists():
        return {}
    return {str(m.id): str(m.string) for m in read_catalog("en") if m.id and m.string}


# key -> English text, read from the en catalog. Modules may add keys not yet in the catalog with
# EN.setdefault(); t() shows that English everywhere until the catalogs catch up.
EN: dict[str, str] = _english()

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("cxkpi_locale", default=DEFAULT_LOCALE)
_lock = threading.RLock()  # re-entrant: a language builds its English fallback under it
_translations: dict[str, gettext.NullTranslations] = {}


def _compiled_dir() -> Path:
    """A locale dir of .mo files compiled from the current .po files.

    Why compile at first use, into a cache named after the .po contents: the repository holds only the
    .po sources, the installed package may be read-only, and a changed .po can never meet a stale .mo.
    """
    digest = hashlib.sha256()
    for loc in LOCALES:
        p = po_path(loc)
        digest.update(p.read_bytes() if p.exists() else b"")
    root = Path(tempfile.gettempdir()) / f"cxkpi-locale-{digest.hexdigest()[:16]}"
    for loc in LOCALES:
        mo = root / CATALOG_DIRS[loc] / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.exists() or not po_path(loc).exists():
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as f:
            write_mo(f, read_catalog(loc), use_fuzzy=False)
        tmp.replace(mo)  # atomic: a concurrent reader sees the old file or the whole new one
    return root


def translation(locale: str) -> gettext.NullTranslations:
    """The shared gettext object for ``locale`` (English behind every other language)."""
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    cached = _translations.get(locale)
    if cached is not None:
        return cached
    with _lock:
        if locale not in _translations:
            tr = gettext.translation(
                DOMAIN, localedir=_compiled_dir(), languages=[CATALOG_DIRS[locale]], fallback=True
            )
            if locale != DEFAULT_LOCALE:
                tr.add_fallback(translation(DEFAULT_LOCALE))
            _translations[locale] = tr
    return _translations[locale]


def reload_catalogs() -> None:
    """Forget the compiled objects (after editing a .po in a running process, e.g. in tests)."""
    with _lock:
        _translations.clear()
    EN.update(_english())


def set_locale(locale: str) -> None:
    """Choose the locale for this thread/session run (unknown locales fall back to English)."""
    _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _locale.get()


class _Keep(dict):
    # str.format_map helper: leave unknown placeholders as they are instead of raising KeyError.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key_or_text: str, /, **kwargs: object) -> str:
    """The text for ``key_or_text`` in the current locale, with ``{name}`` placeholders filled."""
    text = translation(_locale.get()).gettext(key_or_text)
    if text == key_or_text:  # in no catalog yet: English registered in code, else the key itself
        text = EN.get(key_or_text) or key_or_text
    return text.format_map(_Keep(kwargs)) if kwargs else text


def t_reading(text: str) -> str:
    """A metric's reading ("top-2-box, 1–5 scale") in the current language.

    The whole text when the catalogs have it, else each comma-separated part (commas inside parentheses
    kept), a scale as ``reading.scale``; a part no catalog knows stays as the engine wrote it.
    """
    import re

    from cxkpi.i18n_messages import localize  # the engine's sentence table (it imports this module)

    if not text:  # t("") would be the catalog's header
        return text or ""
    whole = t(text)
    if whole != text or _locale.get() == DEFAULT_LOCALE:
        return whole
    sep = t("reading.separator")
    # "scales 1–5, 0–10 pooled": one part, its scales joined in the language's way
    pooled = re.search(r"scales ((?:\d+–\d+, )*\d+–\d+) pooled", text)
    if pooled:
        joined = t("reading.scales_pooled", scales=sep.join(pooled.group(1).split(", ")))
        text = text[: pooled.start()] + "\x00" + text[pooled.end() :]
    out = []
    for part in re.split(r", (?![^()]*\))", text):
        scale = re.fullmatch(r"(\d+–\d+) scale", part)
        of = re.fullmatch(r"(\d+(?:–\d+)?) of (\d+)", part)  # ESAT: "4–5 of 5"
        if part == "\x00":
            out.append(joined)
        elif scale:
            out.append(t("reading.scale", scale=scale.group(1)))
        elif of:
            out.append(t("reading.of", positive=of.group(1), max=of.group(2)))
        else:
            out.append(localize(part))
    return sep.join(out)


def completeness(locale: str) -> float:
    """Share of the English entries that ``locale`` translates (fuzzy entries do not count)."""
    if locale == DEFAULT_LOCALE:
        return 1.0
    english = set(_english())
    if not english or not po_path(locale).exists():
        return 0.0
    done = {
        str(m.id)
        for m in read_catalog(locale)
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    return len(english & done) / len(english)


_complete: dict[tuple, tuple[str, ...]] = {}


def complete_locales() -> tuple[str, ...]:
    """The languages a user may pick: English and every fully translated catalog (cached per .po version)."""
    stamp = tuple(
        (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in map(po_path, LOCALES)
    )
    if stamp not in _complete:
        _complete[stamp] = tuple(loc for loc in LOCALES if completeness(loc) >= 1.0)
    return _complete[stamp]


# Noto CJK falls back to its Japanese face unless the Chinese one is named: name it for zh pages and charts.
_CJK_FONTS = {"zh_Hans": "Noto Sans CJK SC", "zh_Hant": "Noto Sans CJK TC"}


def cjk_face(locale: str | None = None) -> str | None:
    """The Noto CJK face a Chinese locale must name ("Noto Sans CJK SC"/"TC"), else None."""
    return _CJK_FONTS.get(locale or get_locale())


def font_family(locale: str | None = None) -> str | None:
    """The CSS/Plotly font stack for ``locale`` when its script needs a named face, else None (theme font)."""
    face = _CJK_FONTS.get(locale or get_locale())
    return f'"Source Sans", "{face}", "Noto Sans CJK", sans-serif' if face else None


def extract_keys(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201  (Babel's extractor API)
    """Babel extraction method (``babel.cfg``): every literal key in ``t()``/``N_()`` calls, f-strings included.

    Why not Babel's own Python extractor: on Python 3.11 it cannot see a call inside an f-string
    (``f"{t('report.download_pdf')} …"``), and a page's intro key is the second argument of ``page()``.
    """
    import ast

    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for key, lineno in scan_keys(tree):
        yield lineno, "gettext", key, []  # "gettext": a default keyword, so Babel keeps it as one msgid


def scan_keys(tree, pages: bool = True):  # noqa: ANN001
    """(key, line) for each ``t("key")``/``N_("key")`` call; with ``pages``, ``page("name", "intro.key")`` too."""
    import ast

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        if name in ("t", "N_") and args and args[0]:
            yield args[0], node.lineno
        elif name == "Metric":
            # a metric's definition and the fixed readings of its lambda are translated where drawn,
            # with the English text itself as msgid: t(m.description), t(result.definition)
            for kw in node.keywords:
                if (
                    kw.arg == "description"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    yield kw.value.value, node.lineno
                elif kw.arg == "reading" and isinstance(kw.value, ast.Lambda):
                    yield from _whole_strings(kw.value.body)
        elif name == "page" and pages and args and args[0]:
            yield f"nav.{args[0]}", node.lineno
            if len(args) > 1 and args[1]:
                yield args[1], node.lineno


def _whole_strings(expr):  # noqa: ANN001, ANN202
    """String constants in an expression that are a whole value (``"a" if x else "b"``), not f-string parts."""
    import ast

    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value, expr.lineno
    elif isinstance(expr, ast.IfExp):
        yield from _whole_strings(expr.body)
        yield from _whole_strings(expr.orelse)
