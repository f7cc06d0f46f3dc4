"""The look: readable sizes (points, so high-DPI screens scale), calm colours, loud warnings.

Roles are set as a dynamic ``role`` property on labels and frames so the panels say
what a label is for and this module decides how it looks.
"""

from __future__ import annotations

STYLE_SHEET = """
QWidget { font-size: 10pt; }
QGroupBox { font-weight: bold; margin-top: 8px; padding-top: 4px; }
QGroupBox::title { subcontrol-origin: margin; left: 6px; padding: 0 3px; }
QLineEdit, QComboBox { padding: 2px 4px; }
QLabel[role="error"] { color: #b00020; font-size: 9pt; }
QLabel[role="hint"] { color: #555555; font-size: 9pt; }
QLabel[role="notice"] { color: #8a4b00; font-size: 9pt; font-weight: bold; }
QLabel[role="ok"] { color: #1b5e20; font-size: 9pt; font-weight: bold; }
QLabel[role="source"] { color: #6d4c00; background: #fff8e1; border: 1px solid #ffe082;
    border-radius: 3px; padding: 3px; font-size: 9pt; }
QFrame#resultPanel { background: #f6f8fb; border: 1px solid #c9d3e0; border-radius: 6px; }
QLabel[role="section"] { font-size: 13pt; font-weight: bold; color: #1a2a40; }
QLabel[role="subsection"] { font-size: 10pt; font-weight: bold; color: #1a2a40; }
QLabel[role="claim"] { font-size: 22pt; font-weight: bold; color: #0d2a52; }
QLabel[role="figure"] { font-size: 20pt; font-weight: bold; color: #0d2a52; }
QLabel[role="missing"] { font-size: 11pt; color: #333333; background: #eef1f5;
    border-radius: 4px; padding: 6px; }
QLabel[role="warning"] { font-size: 10pt; color: #4a1c00; background: #fff3cd;
    border: 2px solid #e0a800; border-radius: 4px; padding: 6px; }
QLabel[role="steps"] { font-size: 10pt; color: #222222; }
QFrame[role="banner"] { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 4px; }
QPushButton { padding: 4px 12px; }
QPushButton#verifyButton:enabled { background: #1565c0; color: white; font-weight: bold; }
QPushButton#printButton:enabled { background: #2e7d32; color: white; font-weight: bold; }
"""
