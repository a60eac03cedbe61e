"""Error codes of the analytics domain: the ``code`` of 4xx JSON bodies."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_AN_AGENT = "not_an_agent"
    OWN_FIGURES_ONLY = "own_figures_only"
    INVALID_PERIOD = "invalid_period"
    TEAM_NOT_FOUND = "team_not_found"
    AGENT_NOT_FOUND = "agent_not_found"
