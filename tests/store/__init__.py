"""Tests of `kiosk.store`."""
