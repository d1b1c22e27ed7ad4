"""cxkpi: customer-success KPIs from the exports you already have. Knows nothing of Streamlit."""

__version__ = "0.1.0"
