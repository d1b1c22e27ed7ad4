"""What kind of file the bytes are (text, workbook, ZIP, gzip, or something that is no table), and a
single-file ZIP or .gz inflated under guards against compression bombs."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from cxkpi.ingest.rawtable import ReadError

TEXT_EXT = (".csv", ".tsv", ".txt", ".tab")
WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

MAX_UNZIPPED = 2_000_000_000  # default cap on what a file may inflate to (ZIP, gzip, XLSX parts)
MAX_RATIO = 100  # inflated/compressed above this, past RATIO_FLOOR bytes, is a bomb (exports: 5–30×)
RATIO_FLOOR = 50_000_000  # small archives may compress extremely well (a column of blanks): no ratio below
INFLATE_CHUNK = 1 << 20
# A quoted field spanning this many lines is a quote that was never closed, whatever it holds.


_MAGIC_NOT_TABLE = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
}


def _kind(data: bytes, file_name: str) -> str:
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as e:
            raise ReadError(f"{file_name} looks like a damaged XLSX/ZIP file ({e}). Export it again.") from e
        if any(n.startswith(("xl/", "content.xml")) for n in names) or "mimetype" in names:
            return "workbook"
        return "zip"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: legacy .xls
        return "workbook"
    for magic, what in _MAGIC_NOT_TABLE.items():
        if data.startswith(magic):
            raise ReadError(
                f"{file_name} is {what}, not a spreadsheet. Upload the CSV or XLSX file the tool exports."
            )
    return "text"


def _too_big(file_name: str, what: str, inflated: int, packed: int, limit: int) -> ReadError:
    return ReadError(
        f"{file_name}: {what} unpacks to more than {inflated:,} bytes from {packed:,} (the limit here is "
        f"{limit:,} bytes, or {MAX_RATIO}× the packed size); refusing it. Split the export (e.g. by date range) "
        "or load it with `cxkpi ingest` on the server."
    )


def _inflate(
    chunks: Iterator[bytes], file_name: str, what: str, packed: int, limit: int, keep: bool = True
) -> bytes:
    """Join inflated chunks, stopping as soon as the total passes the limit or the ratio: the size a
    header declares can lie, the bytes inflated cannot. keep=False only counts (and checks CRCs)."""
    out: list[bytes] = []
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > limit or (total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1)):
                raise _too_big(file_name, what, total, packed, limit)
            if keep:
                out.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        raise ReadError(
            f"{file_name}: {what} is damaged and cannot be unpacked ({type(e).__name__}: {e}). "
            "Download or export it again."
        ) from e
    return b"".join(out)


def _zip_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with zf.open(info) as fh:
        while chunk := fh.read(INFLATE_CHUNK):
            yield chunk


def _open_zip(data: bytes, file_name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReadError(f"{file_name} looks like a damaged ZIP/XLSX file ({e}). Export it again.") from e


def _gunzip(data: bytes, file_name: str, limit: int) -> tuple[str, bytes]:
    """A single-file .gz: read like a single-file ZIP, inflated under the same guards."""
    name = file_name.rsplit("›", 1)[-1].strip()
    inner = name[:-3] if name.lower().endswith(".gz") else name + ".csv"

    def chunks() -> Iterator[bytes]:
        d = zlib.decompressobj(wbits=31)  # gzip container
        view = memoryview(data)
        for i in range(0, len(data), INFLATE_CHUNK):
            part = view[i : i + INFLATE_CHUNK]
            while part:
                out = d.decompress(part, INFLATE_CHUNK)  # bounded output per call: a bomb cannot burst
                part = d.unconsumed_tail
                yield out
        tail = d.flush()
        if not d.eof:
            raise EOFError("the compressed data ends before the end of the file")
        yield tail

    return inner, _inflate(chunks(), file_name, inner, len(data), limit)


def _check_workbook_parts(data: bytes, file_name: str, limit: int) -> None:
    """Inflate every part of an XLSX/ODS once, counting, before calamine opens it: calamine trusts the
    sizes the file declares and has no limit of its own. Also catches bad CRCs with a message."""
    if data[:4] != b"PK\x03\x04":
        return  # legacy .xls (OLE2) is not compressed
    zf = _open_zip(data, file_name)
    declared = sum(i.file_size for i in zf.infolist())
    if declared > limit or (declared > RATIO_FLOOR and declared > MAX_RATIO * len(data)):
        raise _too_big(file_name, "this workbook", declared, len(data), limit)
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue

        def counted(info: zipfile.ZipInfo = info) -> Iterator[bytes]:
            nonlocal total
            for chunk in _zip_chunks(zf, info):
                total += len(chunk)
                yield chunk

        before = total
        _inflate(counted(), file_name, "this workbook", len(data), limit - before, keep=False)
        if total > limit or (total > RATIO_FLOOR and total > MAX_RATIO * len(data)):
            raise _too_big(file_name, "this workbook", total, len(data), limit)


def _unzip_single(data: bytes, file_name: str, limit: int = MAX_UNZIPPED) -> tuple[str, bytes]:
    """SurveyMonkey (and API exports) ship a ZIP: read the one table inside."""
    zf = _open_zip(data, file_name)
    infos = [
        i
        for i in zf.infolist()
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and i.filename.lower().endswith(TEXT_EXT + WORKBOOK_EXT)
    ]
    if len(infos) != 1:
        found = ", ".join(i.filename for i in infos[:5]) or "no CSV or XLSX file"
        raise ReadError(
            f"{file_name} is a ZIP archive with {found}. Unpack it and upload one CSV or XLSX file."
        )
    info = infos[0]
    inner = info.filename.rsplit("/", 1)[-1]
    if info.file_size > limit:
        raise _too_big(file_name, inner, info.file_size, info.compress_size, limit)
    return inner, _inflate(_zip_chunks(zf, info), file_name, inner, info.compress_size, limit)
