"""The README.txt every bundle carries: how to check it with standard tools."""

README = """\
CUSTODIAN EXPORT BUNDLE
=======================

This ZIP holds one BagIt bag (RFC 8493). Its files were stored, not compressed.

  data/originals/            each image's original bytes, exactly as received, named by
                             its document number
  data/rendered/             a PDF of each image, its document number stamped top right,
                             and combined.pdf with every image in document order
  data/metadata.csv, .json   document number, patient, provenance, consent, body site,
                             SHA-256 recorded at upload, retention status (disposed images
                             are listed with their disposal)
  data/list_of_documents.csv document ID, title, type, date, author, host document
  data/chain_of_custody.*    every audit event about each image, the matter and this
                             export, with the audit chain's head hash at export time
  data/loadfiles/export.dat  Concordance DAT: UTF-8 with BOM; field separator ASCII 20;
                             text qualifier thorn (U+00FE); newline marker (U+00AE)
  data/loadfiles/export.opt  Opticon OPT; paths are relative to data/
  manifest-sha256.txt        SHA-256 of every file under data/
  tagmanifest-sha256.txt     SHA-256 of the other tag files
  bag-info.txt               matter, requester, date, counts, Payload-Oxum

HOW TO VERIFY
-------------
1. Unpack the ZIP and enter the bag's folder:
       unzip bundle.zip && cd <folder>
2. Check every file against the manifests:
       sha256sum -c manifest-sha256.txt
       sha256sum -c tagmanifest-sha256.txt
   (macOS: shasum -a 256 -c manifest-sha256.txt)
3. Or validate with any BagIt tool, e.g. the Library of Congress bagit-python:
       pip install bagit && bagit.py --validate <folder>
4. Each original's SHA-256 in manifest-sha256.txt equals sha256_at_upload in
   data/metadata.csv: the bytes are those received into the health record.
5. The chain of custody lists each event's hash; the audit chain head recorded in
   bag-info.txt can be checked against the hospital's audit checkpoints.
"""
