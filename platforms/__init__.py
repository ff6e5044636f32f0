"""One package per shop platform, each with the same file names; see ``platforms.registry``."""
