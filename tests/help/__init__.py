"""Tests of `kiosk.help`."""
