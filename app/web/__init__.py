"""The web layer: the screens (views), the REST API (api) and sign-in, sessions, CSRF,
rate limits and FAB's security manager (security). It reads the core and the rules,
starts exports, and is bound to the app by create_app()."""
