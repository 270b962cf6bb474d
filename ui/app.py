"""The Streamlit entry point started by `trailkeep ui`: one page per task, via st.navigation.

The Briefing is the default page, served at the root ("/"); every other page has its own
address (/ask, /trail, …) that can be opened directly. (Streamlit serves the default page only
at the root: a default page's url_path is ignored, so a default Ask was "Page not found" at
/ask.)"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from trailkeep.ui import page

VIEWS = Path(__file__).resolve().parent / "views"
PAGES = [
    # (file, title, url path); the first is the default page
    ("brief.py", "Briefing", "brief"),
    ("ask.py", "Ask", "ask"),
    ("trail.py", "Trail", "trail"),
    ("draft.py", "Draft", "draft"),
    ("invoices.py", "Invoices", "invoices"),
    ("inbox.py", "Inbox", "inbox"),
    ("vault.py", "Vault", "vault"),
    ("settings.py", "Settings", "settings"),
]

st.set_page_config(page_title=page.APP_NAME, page_icon=page.icon(), layout="wide")
nav = [
    st.Page(str(VIEWS / f), title=title, url_path=url, default=i == 0)
    for i, (f, title, url) in enumerate(PAGES)
]
page.NAV.update({url: p for (_, _, url), p in zip(PAGES, nav, strict=True)})
page.navigating()
st.navigation(nav).run()
