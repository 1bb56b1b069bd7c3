"""The ADT feed in: HL7 v2 over MLLP from the patient administration system."""
