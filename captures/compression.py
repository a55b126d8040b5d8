"""Content-Encoding: a body decompressed as it arrives (the fetcher) or as it was archived (the
reader), with a cap on its decompressed size so that a compression bomb stops early."""

from __future__ import annotations

import zlib


class BodyError(ValueError):
    """A body that cannot be decoded; ``kind`` is ``content_encoding`` or ``too_large``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class BodyDecoder:
    """Decompresses a body as it arrives and stops once it grows past the cap: an error, or with
    ``truncate`` the first ``limit`` bytes kept and ``full`` set (robots.txt is read that way)."""

    def __init__(self, content_encoding: str | None, limit: int, truncate: bool = False) -> None:
        coding = (content_encoding or "identity").strip().lower()
        self.limit = limit
        self.truncate = truncate
        self.full = False
        self.size = 0
        self.parts: list[bytes] = []
        self.coding = coding
        if coding in ("gzip", "x-gzip"):
            self.inflater: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self.inflater = None  # zlib or raw deflate: decided on the first bytes
        elif coding in ("identity", ""):
            self.inflater = None
        else:
            raise BodyError("content_encoding", f"unsupported Content-Encoding {coding!r}")

    def _take(self, data: bytes) -> None:
        if self.size + len(data) > self.limit:
            if not self.truncate:
                raise BodyError("too_large", f"body larger than {self.limit} bytes")
            data = data[: self.limit - self.size]
            self.full = True
        self.size += len(data)
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        """Add the next raw bytes."""
        if self.coding == "deflate" and self.inflater is None:
            # Servers send both zlib-wrapped and raw deflate under this name.
            wrapped = (
                len(chunk) >= 2 and (chunk[0] & 0x0F) == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            )
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self.inflater is None:
            self._take(chunk)
            return
        data = chunk
        try:
            while data and not self.full:
                out = self.inflater.decompress(data, self.limit - self.size + 1)
                self._take(out)
                data = self.inflater.unconsumed_tail
        except zlib.error as exc:
            raise BodyError("content_encoding", f"corrupt {self.coding} body: {exc}") from exc

    def finish(self) -> bytes:
        """The whole decompressed body (its first ``limit`` bytes once ``full``)."""
        if self.inflater is not None and not self.full:
            try:
                self._take(self.inflater.flush())
            except zlib.error as exc:
                raise BodyError("content_encoding", f"corrupt {self.coding} body: {exc}") from exc
        return b"".join(self.parts)


def decode_body(raw: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Decompress a stored body exactly as the fetcher did."""
    decoder = BodyDecoder(content_encoding, limit)
    decoder.feed(raw)
    return decoder.finish()
