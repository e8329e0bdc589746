from django.urls import path

from arrivals.views import (
    board,
    cases,
    checkin,
    documents,
    flights,
    handover,
    imports,
    people,
    rebooking,
    shift_log,
    step_details,
    today,
)

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", today.port_today, name="port_today"),
    path("ports/<str:iata>/flights/<int:pk>/", today.flight, name="flight"),
    path("ports/<str:iata>/flights/<int:pk>/status/", flights.flight_status, name="flight_status"),
    path(
        "ports/<str:iata>/individuals/<int:pk>/step/",
        checkin.individual_step,
        name="individual_step",
    ),
    path(
        "ports/<str:iata>/individuals/<int:pk>/step/<str:step>/",
        step_details.individual_step_detail,
        name="individual_step_detail",
    ),
    path("ports/<str:iata>/cases/<int:pk>/step/", checkin.case_step, name="case_step"),
    path(
        "ports/<str:iata>/cases/<int:pk>/step/<str:step>/",
        step_details.case_step_detail,
        name="case_step_detail",
    ),
    path("ports/<str:iata>/flights/<int:pk>/rebook/", rebooking.rebook_group, name="rebook_group"),
    path("ports/<str:iata>/steps/<int:pk>/undo/", checkin.undo_step, name="undo_step"),
    path("ports/<str:iata>/individuals/<int:pk>/hand-over/", handover.hand_over, name="hand_over"),
    path("ports/<str:iata>/search/", cases.search, name="search"),
    path("ports/<str:iata>/log/", shift_log.shift_log, name="shift_log"),
    path("ports/<str:iata>/interpreters/", shift_log.interpreters, name="interpreters"),
    path("ports/<str:iata>/interpreters/new/", shift_log.book_interpreter, name="book_interpreter"),
    path(
        "ports/<str:iata>/interpreters/<int:pk>/status/",
        shift_log.interpreter_status,
        name="interpreter_status",
    ),
    path(
        "ports/<str:iata>/documents/manifest/", documents.request_manifest, name="request_manifest"
    ),
    path("cases/<str:case_number>/", cases.detail, name="case"),
    path("cases/<str:case_number>/rebook/", rebooking.rebook, name="rebook"),
    path(
        "cases/<str:case_number>/people/<int:pk>/programme-status/",
        people.programme_status,
        name="programme_status",
    ),
    path(
        "cases/<str:case_number>/documents/arrival-sheet/",
        documents.request_case_sheet,
        name="request_case_sheet",
    ),
    path("board/", board.board, name="board"),
    path("board/export.csv", board.board_csv, name="board_csv"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
]
