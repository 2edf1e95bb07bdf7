"""The monthly checks of SPEC §5 (第三十一–四十二条), one module per rule, named after it."""
