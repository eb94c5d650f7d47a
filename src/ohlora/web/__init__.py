"""`ohlora serve`: Oh-LoRA's live face and chat in the browser, for many users at once.

FastAPI's "bigger applications" layout: `app.create_app` builds the app (its state lives in
`app.state.web`, created in the lifespan), `routes/` holds one router per concern, `deps.py` the
dependencies (identity cookie, access token), `sessions.py` the per-user sessions. Nothing here
imports torch: the embedded default runs on numpy alone.
"""
