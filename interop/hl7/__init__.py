"""HL7 v2 ADT over MLLP: the protocol core of the ADT feed (DESIGN §9), free of Django models."""
