"""The records of ``cases``: who travels (``cases.models.cases``) and what the POE books and
arranges for them (``cases.models.bookings``). This package re-exports them, so
``from cases.models import Case`` is the way to name them."""

from cases.models.bookings import (
    CustodyHandover,
    EscortAssignment,
    GroundTransportBooking,
    HotelBooking,
    MealOrder,
    Vendor,
    VendorProblem,
    VendorRate,
    VendorRating,
)
from cases.models.cases import (
    SSR,
    WHEELCHAIR_CODES,
    Case,
    CaseRevision,
    Individual,
    ResettlementAgency,
    validate_ssr_codes,
)

__all__ = [
    "SSR",
    "WHEELCHAIR_CODES",
    "Case",
    "CaseRevision",
    "CustodyHandover",
    "EscortAssignment",
    "GroundTransportBooking",
    "HotelBooking",
    "Individual",
    "MealOrder",
    "ResettlementAgency",
    "Vendor",
    "VendorProblem",
    "VendorRate",
    "VendorRating",
    "validate_ssr_codes",
]
