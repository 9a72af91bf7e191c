"""Reports of an evaluation: content from evaluated KPI rows, written as HTML (and later PDF, XLSX)."""
