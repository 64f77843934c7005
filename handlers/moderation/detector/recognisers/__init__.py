"""One module per kind of identifier; each exposes a recogniser object the detector composes."""
