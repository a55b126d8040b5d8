"""The bilingual lexicon's data: the CPPCC and policy term table, and CC-CEDICT from its package."""
