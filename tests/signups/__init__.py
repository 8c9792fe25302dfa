"""Tests of `kiosk.signups`."""
