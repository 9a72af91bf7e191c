"""machikpi: run a municipality's plan (総合計画, 総合戦略) from document to evaluation.

Layout: ``machikpi.core`` is pure (no Django, no I/O): the plan model, the
quantity and period readers, the document reader and the evaluation rules.
``machikpi.adapters`` wraps it: command line, storage, web, reports.
"""

__version__ = "0.1.0"
