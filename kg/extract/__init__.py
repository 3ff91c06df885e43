"""Extraction: spaCy components and rules that read articles into :class:`kg.model.Extraction`."""
