"""Tests of `kiosk.municipality`."""
