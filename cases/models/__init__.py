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
    VendorRating,
)
from cases.models.cases import (
    CASE_NUMBER_PATTERN,
    CASE_NUMBER_RULE,
    SSR,
    WHEELCHAIR_CODES,
    Case,
    CaseRevision,
    Individual,
    ResettlementAgency,
    validate_case_number,
    validate_ssr_codes,
)

__all__ = [
    "CASE_NUMBER_PATTERN",
    "CASE_NUMBER_RULE",
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
    "VendorRating",
    "validate_case_number",
    "validate_ssr_codes",
]
