"""Activities: one thin adapter per file over `callinsights/`, each exposing its own `bp`."""
