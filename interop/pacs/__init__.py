"""DICOM out: images sent to the PACS as VL Photographic objects (modality XC)."""
