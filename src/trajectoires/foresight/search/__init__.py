"""The search of the open archive: published workshops and events, full text in French.

- :func:`index_document` / :func:`remove_document`: keep one document (a published
  workshop, an event) in the index, in the caller's transaction;
- :func:`territory_chain`: the territories a document belongs to, upward;
- :func:`complete_territories`: once the territory reference is loaded, the documents
  indexed without it get their EPCI, région and France;
- :func:`search_documents`: every word of a query, with filters by territory, kind,
  subtype and year, newest first, with snippets;
- :func:`terms`: the French terms (stemmed, folded) both sides compare.

The full text is FTS5 on SQLite and a ``tsvector`` with a GIN index on PostgreSQL,
over the same terms, so both databases return the same results.
"""

from trajectoires.foresight.search._index import (
    complete_territories,
    index_document,
    remove_document,
    territory_chain,
)
from trajectoires.foresight.search._models import (
    DOCUMENT_KINDS,
    SearchDocument,
    SearchDocumentTerritory,
    outside_models,
)
from trajectoires.foresight.search._query import (
    MAX_QUERY_LENGTH,
    SearchHit,
    SearchPage,
    document_years,
    search_documents,
    snippet,
)
from trajectoires.foresight.search._text import filter_term, query_groups, terms

__all__ = [
    "DOCUMENT_KINDS",
    "MAX_QUERY_LENGTH",
    "SearchDocument",
    "SearchDocumentTerritory",
    "SearchHit",
    "SearchPage",
    "complete_territories",
    "document_years",
    "filter_term",
    "index_document",
    "outside_models",
    "query_groups",
    "remove_document",
    "search_documents",
    "snippet",
    "terms",
    "territory_chain",
]
