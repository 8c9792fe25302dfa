"""Shared web plumbing every area's views stand on: languages and right-to-left, formatting,
CSRF, security headers, rate limits, the page cache, the request log, QR codes, the PWA.
"""
