"""Tests of `kiosk.api`."""
