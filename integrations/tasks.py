"""Background work of webhooks. Tasks take ids and call services."""

from django.tasks import task

from integrations import services


@task
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at a delivery; the service records it and schedules the next one."""
    services.webhook_delivery_attempt(delivery_id=delivery_id)
