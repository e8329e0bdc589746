"""The records of ``cases``: who travels (``cases.models.cases``), the papers they carry
(``cases.models.packet``), who receives them (``cases.models.receivers``), what the POE books and
arranges for them (``cases.models.bookings``) and the chain of custody
(``cases.models.custody``). This package re-exports them, so ``from cases.models import Case``
is the way to name them."""

from cases.models.bookings import (
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
    CASE_NUMBER_PATTERN,
    CASE_NUMBER_RULE,
    CUSTODY_STATUSES,
    ESCORT_STATUSES,
    MINOR_STATUSES,
    Case,
    CaseRevision,
    ImmigrationCategory,
    Individual,
    ProgrammeStatus,
    ResettlementAgency,
    TBClass,
    validate_case_number,
    validate_ssr_codes,
)
from cases.models.custody import FINAL_RECEIVERS, ONWARD_RECEIVERS, CustodyHandover
from cases.models.packet import CarriedDocument
from cases.models.receivers import AgencyOffice, ExpectedReceiver, USTie

__all__ = [
    "CASE_NUMBER_PATTERN",
    "CASE_NUMBER_RULE",
    "CUSTODY_STATUSES",
    "ESCORT_STATUSES",
    "FINAL_RECEIVERS",
    "MINOR_STATUSES",
    "ONWARD_RECEIVERS",
    "AgencyOffice",
    "CarriedDocument",
    "Case",
    "CaseRevision",
    "CustodyHandover",
    "EscortAssignment",
    "ExpectedReceiver",
    "GroundTransportBooking",
    "HotelBooking",
    "ImmigrationCategory",
    "Individual",
    "MealOrder",
    "ProgrammeStatus",
    "ResettlementAgency",
    "TBClass",
    "USTie",
    "Vendor",
    "VendorProblem",
    "VendorRate",
    "VendorRating",
    "validate_case_number",
    "validate_ssr_codes",
]
