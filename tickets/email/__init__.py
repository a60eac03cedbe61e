"""Email of the tickets domain: addresses and Message-IDs (``addresses``), what leaves
(``outbound``), what comes in (``inbound``) and quoted-history trimming (``quoting``)."""
