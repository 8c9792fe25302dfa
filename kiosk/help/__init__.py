"""Asking for help and finding who helps: the help desk (`desk`), its form (`views`) and
the directory of local organisations (`directory_views`).
"""
