"""The machine-readable board: JSON for the kiosk's own scripts and other boards, and the
iCalendar feeds calendar apps subscribe to (`views`).
"""
