"""The Streamlit entry point started by `trailkeep ui`: one page per task, via st.navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="trailkeep", layout="wide")
pages = [
    st.Page(str(HERE / "ask.py"), title="Ask", url_path="ask", default=True),
    st.Page(str(HERE / "trail.py"), title="Trail", url_path="trail"),
    st.Page(str(HERE / "draft.py"), title="Draft", url_path="draft"),
    st.Page(str(HERE / "invoices.py"), title="Invoices", url_path="invoices"),
    st.Page(str(HERE / "inbox.py"), title="Inbox", url_path="inbox"),
    st.Page(str(HERE / "vault.py"), title="Vault", url_path="vault"),
    st.Page(str(HERE / "settings.py"), title="Settings", url_path="settings"),
]
st.navigation(pages).run()
