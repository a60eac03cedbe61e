"""The product and the baseline under alternatives, for the comparisons of
docs/benchmarks.md. Each module is an ASGI entry point (``uvicorn bench.variants.X:app``)
that changes one thing before the application loads."""
