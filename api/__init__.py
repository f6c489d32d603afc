"""The app's edges: HTTP routes (`calls`) and the blob trigger that starts `process_call`."""
