"""Tests of `kiosk.board`."""
