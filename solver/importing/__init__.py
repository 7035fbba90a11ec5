"""Importing specifications (text, Word, PDF) and regulator unit data into draft catalogue files."""
