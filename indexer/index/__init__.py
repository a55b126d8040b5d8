"""The index: schema, analysis, postings format, segment writing, generations and build."""
