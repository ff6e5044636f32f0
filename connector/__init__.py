"""The returns connector core: the common model, policy, store, services, jobs and web app."""
