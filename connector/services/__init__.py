"""Use cases: the only code that changes state. Web views, webhooks, jobs and the CLI call these."""
