"""The calculator window (PySide6). Thin: every number comes from ``core.dose_input.evaluate``."""
