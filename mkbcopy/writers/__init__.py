"""One module per output format; only writers.docx imports python-docx."""
