"""What the agent dashboard's pages read: chat lists with waiting times, contact timelines,
transfer targets, ticket lists. Reads only; every write goes through the apps' services."""
