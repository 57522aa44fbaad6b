"""bulletin: typesets Chinese bulletins (快讯) from YAML sources into printable PDFs.

Pipeline: source (YAML) → model → theme → flowables → pages → PDF.
"""

__version__ = "0.1.0"

from layout import dataclass_code

dataclass_code.install()  # before any module of the package makes a dataclass
