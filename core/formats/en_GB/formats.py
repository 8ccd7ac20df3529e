"""The portal's one date and date-time format ("23 Nov 2020", "23 Nov 2020 09:30") in pages,
lists and forms alike. Formats not named here come from Django's own en-GB locale."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
