"""Small primitives every app may use; imports no app of Custodian's (the bottom layer)."""
