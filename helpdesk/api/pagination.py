"""Cursor pagination for every list: stable under inserts, fast at any depth."""

from rest_framework import pagination
from rest_framework.response import Response


class CursorPagination(pagination.CursorPagination):
    """``{"results": [...], "next": URL_OR_NULL, "previous": URL_OR_NULL}`` ordered by
    newest first unless a view sets its own ``ordering``."""

    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_paginated_response(self, data):
        return Response(
            {"results": data, "next": self.get_next_link(), "previous": self.get_previous_link()}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
            },
        }
