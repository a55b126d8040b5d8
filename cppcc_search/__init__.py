"""cppcc-search: a search engine over CPPCC political consultation archives."""

__version__ = "0.1.0"
