"""The search service: query language, matching, ranking, facets, snippets, trends, spelling."""
