"""The user-facing CLI behind `make demo/up/down/process/approve` (`python -m stack ...`)."""
