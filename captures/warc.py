"""The WARC record format: request and response records exactly as exchanged (warcio), written
by the crawler and read back by everyone else.

Writer and reader live together because they are two halves of one format: what the writer
renames, keeps compressed or points to with a revisit record is what the reader must undo.

One WARC file per crawl process, ``warc/crawl-<run>-<UTC time>-<pid>.warc.gz``, each record its
own gzip member written with a single unbuffered write as soon as it is complete, so a killed
crawl leaves only whole records. A body identical to one already archived is written as a
``revisit`` record (identical-payload-digest profile) that points at the original.

``Transfer-Encoding`` is stored renamed (``X-Crawler-Transfer-Encoding``) because the body is
archived de-chunked; ``Content-Encoding`` bodies are archived still compressed, as transferred.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from captures.headers import HeaderList

SOFTWARE = "cppcc-search crawler (warcio)"


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a Z (as a WARC-Date)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Exchange:
    """One request and its response as transferred: what a pair of records holds. The crawler's
    ``Response`` adds the decompressed body."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: HeaderList
    raw_body: bytes
    request_line: str
    request_headers: HeaderList
    fetched_at: str = field(default_factory=utc_now)
    # Only the first part of the body was read (robots.txt past its size cap): the record says
    # so with WARC-Truncated, as the format provides.
    truncated: bool = False


@dataclass(frozen=True)
class RecordRef:
    """Where a record starts: file name inside the WARC folder and byte offset."""

    path: str
    offset: int


@dataclass
class StoredResponse:
    """A response record read back: status line, headers and the raw (as transferred) body."""

    status: int
    headers: HeaderList
    raw_body: bytes
    uri: str
    date: str


def payload_digest(raw_body: bytes) -> str:
    """The WARC payload digest (sha1, base32) of a body as transferred."""
    return "sha1:" + base64.b32encode(hashlib.sha1(raw_body).digest()).decode("ascii")


def _archived_headers(headers: HeaderList) -> HeaderList:
    renamed = []
    for name, value in headers:
        if name.lower() == "transfer-encoding":
            name = "X-Crawler-Transfer-Encoding"
        renamed.append((name, value))
    return renamed


class WarcWriter:
    """Appends records to this process's WARC file."""

    def __init__(self, warc_dir: Path, run_id: int) -> None:
        warc_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.name = f"crawl-{run_id:04d}-{stamp}-{os.getpid()}.warc.gz"
        self.path = warc_dir / self.name
        # Unbuffered: each record reaches the file in one write() call, so a killed crawl leaves
        # whole records behind, never half of one.
        self._file = self.path.open("ab", buffering=0)
        self._writer = WARCWriter(io.BytesIO(), gzip=True)
        self._write(
            self._writer.create_warcinfo_record(
                self.name, {"software": SOFTWARE, "format": "WARC File Format 1.1"}
            )
        )

    def close(self) -> None:
        """Flush and close the file."""
        self._file.close()

    def _write(self, record: object) -> RecordRef:
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=False).write_record(record)
        # One gzip member per record, at level 6: warcio's level 9 costs several times the CPU
        # for a few percent of size.
        member = gzip.compress(buffer.getvalue(), compresslevel=6)
        offset = self._file.tell()
        self._file.write(member)
        return RecordRef(self.name, offset)

    def _request_record(self, response: Exchange, date: str) -> object:
        headers = StatusAndHeaders(
            response.request_line, response.request_headers, is_http_request=True
        )
        return self._writer.create_warc_record(
            response.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date},
        )

    def _http_headers(self, response: Exchange) -> StatusAndHeaders:
        statusline = f"{response.status} {response.reason}".strip()
        return StatusAndHeaders(
            statusline, _archived_headers(response.headers), protocol=response.http_version
        )

    def write_exchange(
        self, response: Exchange, original: tuple[str, str] | None = None
    ) -> RecordRef:
        """Write the request and the response (or a revisit of ``original``: uri, date)."""
        date = response.fetched_at
        request = self._request_record(response, date)
        if original is None:
            warc_headers = {"WARC-Date": date}
            if response.truncated:
                warc_headers["WARC-Truncated"] = "length"
            record = self._writer.create_warc_record(
                response.url,
                "response",
                payload=io.BytesIO(response.raw_body),
                length=len(response.raw_body),
                http_headers=self._http_headers(response),
                warc_headers_dict=warc_headers,
            )
        else:
            record = self._writer.create_revisit_record(
                response.url,
                digest=payload_digest(response.raw_body),
                refers_to_uri=original[0],
                refers_to_date=original[1],
                http_headers=self._http_headers(response),
                warc_headers_dict={"WARC-Date": date},
            )
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        self._write(request)
        return self._write(record)


def read_response(warc_dir: Path, ref: RecordRef) -> StoredResponse:
    """Read the response or revisit record at ``ref`` (headers, raw body)."""
    with (warc_dir / ref.path).open("rb") as stream:
        stream.seek(ref.offset)
        for record in ArchiveIterator(stream):
            http_headers = record.http_headers
            status = int(http_headers.get_statuscode() or 0) if http_headers else 0
            headers = list(http_headers.headers) if http_headers else []
            return StoredResponse(
                status=status,
                headers=headers,
                raw_body=record.raw_stream.read(),
                uri=record.rec_headers.get_header("WARC-Target-URI") or "",
                date=record.rec_headers.get_header("WARC-Date") or "",
            )
    raise OSError(f"no WARC record at {ref.path}:{ref.offset}")
