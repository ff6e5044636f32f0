"""A sandbox carrier that speaks Sendcloud's v3 shapes, so the Sendcloud adapter runs end to end offline."""
