"""The arrivals forms, one module per screen (``arrivals.views`` has the same names)."""
