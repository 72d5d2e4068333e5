"""filingcheck: reads scanned health-food dossiers and cross-checks them against the intake rules."""

__version__ = "0.1.0"
