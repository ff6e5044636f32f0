"""`returns-connector demo`: both sandbox shops, the app and a worker, with real returns flowing."""
