"""Tests of `kiosk.village_pc`."""
