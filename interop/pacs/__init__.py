"""DICOM out: images sent to the PACS as VL Photographic objects (modality XC).

The pieces: PacsDestination rows (one PACS, per facility, `auto` for every new image;
`pacs_destination` command and the admin), one PacsSend per image and destination (a
resend updates the same row and replaces the instance at the PACS: the SOP Instance UID
is fixed per image and patient), a Celery task per send (interop.tasks.send_to_pacs)
that retries transient failures with backoff and marks the send failed, with the reason,
otherwise.

Study grouping: one study per patient per encounter: the Study Instance UID derives
from the patient (issuer + MRN) and the encounter's public id; an image without an
encounter goes in the patient's study of its capture day (the facility's local date).
Each study has one series, "Clinical photographs". A photo added later to the same
encounter joins the same study at the PACS.

Corrections at the PACS (also in docs/pacs.md):
- An image moved to the right patient is resent under that patient (a new SOP Instance
  UID: the UID derives from the patient too), and the instance the PACS holds under the
  wrong patient is listed as a PacsWithdrawal (reason `moved`: PatientID, issuer, study,
  series and SOP Instance UIDs). The PACS administrator deletes that instance (Orthanc:
  DELETE /instances/{id}; or an IHE IOCM rejection note, "Incorrect Modality Worklist
  Entry"). Until then the photo shows under both patients at the PACS.
- A disposed image (retention schedule) leaves a PacsWithdrawal (reason `disposed`) for
  every instance sent: the PACS holds a copy of a record now destroyed, and must delete
  it too (IOCM: "Data Retention Policy Expired", (113039, DCM)). Custodian cannot reach
  into the PACS to delete; the withdrawal list in the admin is the PACS's to-do list.
"""
