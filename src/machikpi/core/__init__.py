"""The pure core: plan model, readers of quantities and periods, the document reader, evaluation.

Nothing in this package does I/O or imports Django; adapters feed it text and
numbers and take plain data back.
"""
