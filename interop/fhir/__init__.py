"""FHIR R4 out: a read API for the EMR (Patient, Media, Binary)."""
