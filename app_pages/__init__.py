"""Streamlit pages of the app (thin: they call textanalysis/ and show the results)."""
