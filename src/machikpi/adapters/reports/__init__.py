"""Reports of an evaluation: one content (context.py) from evaluated KPI rows, committee comments and
stored audits, written as HTML, PDF and XLSX documents (documents.py dispatches on the file suffix)."""
