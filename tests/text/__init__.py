"""Tests of the Chinese line composer (layout/text)."""
