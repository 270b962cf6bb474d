"""trailkeep.ui: the command line and (later) the Streamlit app. Nothing imports this package."""
