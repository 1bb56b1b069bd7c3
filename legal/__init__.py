"""Legal matters, holds and verifiable export bundles (BagIt in a ZIP)."""
