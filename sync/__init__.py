"""Central-calendar sync: sources, outbox and engine (to come; see the sync issue)."""
