"""Tests of `ical`."""
