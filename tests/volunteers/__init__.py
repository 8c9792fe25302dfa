"""Tests of `kiosk.volunteers`."""
