"""The web front end's process: the built pages and a same-origin backend for them."""
