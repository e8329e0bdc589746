"""Initial reference data: the two operations offices and the seven Ports of Entry.

Loaded by a data migration; after that it is ordinary data, edited in admin."""

OFFICES = [
    ("DC", "Operations HQ Washington DC"),
    ("NY", "Operations HQ New York"),
]

PORTS = [
    ("ATL", "DC"),
    ("EWR", "DC"),
    ("IAD", "DC"),
    ("IAH", "DC"),
    ("JFK", "NY"),
    ("ORD", "NY"),
    ("LAX", "NY"),
]
