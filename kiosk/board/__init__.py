"""The public board: what is on this week and where (`agenda`), its pages (`views`), the
printable weekly digest (`digest_views`) and links to share an activity (`sharing`).
"""
