"""DICOM out to a PACS (DESIGN.md section 9); described in full below, in the last commit."""
