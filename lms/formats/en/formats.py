"""English as British and American employees both read it without a second thought.

Django's ``en`` is American ("Dec. 7, 2026", "2:30 p.m.", "12/07/2026"), which a British reader
takes for the 12th of July. Day, month name, year and a 24-hour clock read the same on both
sides of the Atlantic: "7 December 2026", "14:30", "7 Dec 2026". Anything not set here (the
input formats, the separators) stays Django's ``en``.
"""

DATE_FORMAT = "j F Y"  # 7 December 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 7 December 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 7 December
SHORT_DATE_FORMAT = "j M Y"  # 7 Dec 2026: a numeric date would be read two ways
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 7 Dec 2026, 14:30
FIRST_DAY_OF_WEEK = 1  # Monday, as in the French calendar and the ISO week
