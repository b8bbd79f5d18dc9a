"""Demo data: the towns, networks, partnerships and meetings named in the programme's public texts.

The facts live in `network.toml` beside this file; `loader.load_demo()` writes them to the database.
"""
