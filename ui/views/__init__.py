"""Streamlit pages (scripts run by st.navigation; each also runs on its own in AppTest)."""
