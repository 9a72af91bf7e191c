"""The Django app that stores plans, indicators, actual values, their history and evaluations.

Tables (see :mod:`.models`): ``machikpi_plan`` → ``machikpi_node`` (tree) →
``machikpi_indicator`` → ``machikpi_series`` → ``machikpi_cell`` (the printed
baseline / target / actual cells); ``machikpi_actual`` (entered 実績値, one per
series and year) with ``machikpi_actual_change`` (every change, never
overwritten without trace); ``machikpi_evaluation``.

Use :func:`machikpi.adapters.django_settings.setup` before importing
:mod:`.models`; :mod:`.plans` stores an imported plan, :mod:`.actuals`
records actual values.
"""
