"""Background jobs on RQ: the relay, the tasks themselves, and the reconciler. Jobs take ids only."""
