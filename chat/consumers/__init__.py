"""WebSocket consumers: parse frames, call services, forward events. Nothing else."""
