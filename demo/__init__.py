"""The bundled sample archive: a small fictional CPPCC website under ``site/`` for the demo."""
