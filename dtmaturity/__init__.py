"""dtmaturity: track digital-transformation maturity of public-sector units over time."""

__version__ = "0.1.0"
