"""The activities themselves, shared by every area: the model, recurring series (RFC 5545),
the one book that writes them, clashes between them, and the demo week.
"""
