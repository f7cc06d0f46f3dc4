"""The calculator window (PySide6). Thin: every number comes from ``core.form.evaluate``."""

from ui.none_refcount import keep_none_alive

# Before any Qt call: the locked PySide6 would otherwise crash a long session on 3.11.
keep_none_alive()
