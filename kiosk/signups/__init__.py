"""Signing up to an activity: the signup book (`book`, capacity, waiting list, purge of
personal data) and the signup pages for phones and the kiosk (`views`).
"""
