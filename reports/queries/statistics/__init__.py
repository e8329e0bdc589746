"""The figures of a period over a set of ports: what ``/statistics/``, its downloads, its charts
and the monthly report read. Nothing is written; a fixed number of queries whatever the period.

One module per responsibility:

- ``definitions``: what is counted, and the constants the definitions name;
- ``figures``: the result (``Statistics``, ``PortFigures``, ``Spread``, ``Row``) and what both
  counts return (``Arrivals``);
- ``reading``: the rows both counts read with the ORM (landings, step events, legs) and the
  misconnections' causes;
- ``python_count``: the people of the period counted row by row (the demo's SQLite, and the
  plain count the SQL is held to in the tests);
- ``sql_count``: the same people counted by PostgreSQL;
- ``build``: ``build_statistics`` (the people, then misconnections, hotels, costs, hours and
  incidents, read the same way on every database);
- ``tables`` and ``charts``: the figures as tables (page, CSV, XLSX, PDF) and as SVG pictures.
"""
