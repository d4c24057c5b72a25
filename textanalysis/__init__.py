"""textanalysis: a workbench for coding Dutch open survey answers.

Data flows one way: ingest -> store -> nlp -> suggest -> confirm -> report.
"""

__version__ = "0.1.0"
