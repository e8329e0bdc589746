"""A living demo day at each port, with bookings at ATL and JFK (``manage.py seed_demo``)."""

from arrivals.demo.day import seed_demo, seed_demo_day

__all__ = ["seed_demo", "seed_demo_day"]
