"""The CMS quarterly files: the ASP pricing file and the ASP NDC-HCPCS crosswalk.

``core.cms.files`` reads a published file (ZIP or CSV, any of its layouts) into rows;
``core.cms.parse`` validates the rows; ``core.cms.store`` keeps every imported quarter
in a reference database beside (not inside) the worksheet records, and answers the
``core.reference`` protocols from it.
"""

#: The reference database in the data directory (named here so that checking for it does
#: not import sqlite3, which the window loads only when first needed).
REFERENCE_DB_FILENAME = "cms-reference.sqlite3"
