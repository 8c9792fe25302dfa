"""Tests of `kiosk.web`."""
