"""Tests of `kiosk.activities`."""
