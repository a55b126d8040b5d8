"""The product's Solr configset: schema and solrconfig from ``configset/``, completed with the
definitions the Whoosh side uses (which characters are Chinese, the English stop words), and
named by a hash of its contents so a changed schema is a new configset and a new collection."""

from __future__ import annotations

import hashlib
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from cppcc_search.cjk import CJK_RANGES
from indexer.index.analysis import ENGLISH_STOP_WORDS

CONFIGSET_DIR = Path(__file__).parent / "configset"
CONFIGSET_PREFIX = "cppcc-search-"
_CJK_PLACEHOLDER = "@CJK_CLASS@"


def java_cjk_class() -> str:
    """The Chinese characters of cppcc_search.cjk as the inside of a Java regex class."""
    return "".join(f"\\x{{{low:X}}}-\\x{{{high:X}}}" for low, high in CJK_RANGES)


@lru_cache(maxsize=1)
def configset_files() -> dict[str, bytes]:
    """File name → contents of the configset as uploaded."""
    files = {}
    for path in sorted(CONFIGSET_DIR.iterdir()):
        if path.is_file():
            text = path.read_text(encoding="utf-8").replace(_CJK_PLACEHOLDER, java_cjk_class())
            files[path.name] = text.encode("utf-8")
    files["stopwords_en.txt"] = "\n".join(sorted(ENGLISH_STOP_WORDS)).encode("utf-8") + b"\n"
    return files


def configset_name() -> str:
    """The configset's name in the cluster: the prefix and a hash of its files."""
    digest = hashlib.sha256()
    for name, data in configset_files().items():
        digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
    return CONFIGSET_PREFIX + digest.hexdigest()[:12]


def configset_zip() -> bytes:
    """The configset as the zip file Solr's configset API takes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in configset_files().items():
            archive.writestr(name, data)
    return buffer.getvalue()
