"""The font layer: specs (spec), conversion to TrueType (convert), the ReportLab registry and fallback chains
(registry), glyph coverage (coverage)."""
