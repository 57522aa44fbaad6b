"""bulletin: typesets Chinese bulletins (快讯) from YAML sources into printable PDFs.

Pipeline: source (YAML) → model → theme → flowables → pages → PDF.
"""

__version__ = "0.1.0"
