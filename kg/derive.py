"""Facts that belong to the whole corpus, kept in their own named graph.

They are recomputed by one SPARQL update after every ingest, on the store
itself (embedded or remote), so the union of all graphs says one thing.
"""

from __future__ import annotations

from kg.namespaces import CKG, DERIVED_GRAPH, SCHEMA
from kg.store import Store

# The status of every partnership node is the status stated by the latest
# article about the same pair of partners (by publication date; on a tie,
# "Ended" wins, since an ending is news and a standing tie is background).
DERIVE_UPDATE = f"""
DROP SILENT GRAPH <{DERIVED_GRAPH}> ;
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?p <{CKG.status}> ?status }} }}
WHERE {{
  {{
    SELECT ?a ?b (MAX(?stamp) AS ?latest) WHERE {{
      GRAPH ?g {{
        ?q a <{CKG.Partnership}> ; <{CKG.partner}> ?a, ?b ;
           <{CKG.statedStatus}> ?stated ; <{CKG.mentionedIn}> ?doc .
        FILTER(STR(?a) < STR(?b))
        OPTIONAL {{ ?doc <{SCHEMA.datePublished}> ?published }}
      }}
      BIND(CONCAT(COALESCE(STR(?published), "0000-00-00"), "|", STR(?stated)) AS ?stamp)
    }}
    GROUP BY ?a ?b
  }}
  GRAPH ?h {{ ?p a <{CKG.Partnership}> ; <{CKG.partner}> ?a, ?b . }}
  BIND(IRI(STRAFTER(?latest, "|")) AS ?status)
}}
"""


def derive(store: Store) -> None:
    """Recompute the derived graph."""
    store.update(DERIVE_UPDATE)
