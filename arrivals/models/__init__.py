"""The operational day: flights and segments, who is on which and how a missed one was rebooked
(``arrivals.models.flights``), the arrival steps tapped and the landings kept for the statistics
(``arrivals.models.steps``), manifest imports (``arrivals.models.imports``), and the port's shift
log and interpreters (``arrivals.models.operations``). This package re-exports them, so
``from arrivals.models import Flight`` is the way to name them."""

from arrivals.models.flights import Flight, Rebooking, Segment, airport_zone, iata_airport
from arrivals.models.imports import ImportBatch, ImportBatchCase, ImportFile
from arrivals.models.operations import InterpreterBooking, ShiftLogEntry
from arrivals.models.steps import Landing, StepEvent

__all__ = [
    "Flight",
    "ImportBatch",
    "ImportBatchCase",
    "ImportFile",
    "InterpreterBooking",
    "Landing",
    "Rebooking",
    "Segment",
    "ShiftLogEntry",
    "StepEvent",
    "airport_zone",
    "iata_airport",
]
