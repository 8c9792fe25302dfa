"""Translating the board: the translators' queue of activity texts, and the review of the
interface's own strings by native speakers.

`queue` (plain) finds the texts of the coming weeks that are missing or outdated in a
language; `views` is the translator's blueprint (`/translate`); `ui_strings` owns the table
of reviewed interface strings and lays them over the compiled catalogues; `ui_review_views`
is its blueprint. A translator account (`kiosk.volunteers.accounts`, role `translator`)
reaches only these pages, and only for its languages.
"""
