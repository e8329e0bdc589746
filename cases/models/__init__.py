"""The records of ``cases``: who travels (``cases.models.cases``), the papers they carry
(``cases.models.packet``) and what the POE books and arranges for them
(``cases.models.bookings``). This package re-exports them, so
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
    Case,
    CaseRevision,
    ImmigrationCategory,
    Individual,
    ResettlementAgency,
    TBClass,
    validate_ssr_codes,
)
from cases.models.packet import CarriedDocument

__all__ = [
    "CarriedDocument",
    "Case",
    "CaseRevision",
    "CustodyHandover",
    "EscortAssignment",
    "GroundTransportBooking",
    "HotelBooking",
    "ImmigrationCategory",
    "Individual",
    "MealOrder",
    "ResettlementAgency",
    "TBClass",
    "Vendor",
    "VendorProblem",
    "VendorRate",
    "VendorRating",
    "validate_ssr_codes",
]
