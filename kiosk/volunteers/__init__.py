"""What volunteers and organisers do: accounts and login (`accounts`, `auth`), changing the
board (`editing`, with the `audit` log), the activity form, posters, the organisers' own
pages, and the `/admin` views (`admin`).
"""
