from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from integrations.models import WebhookSubscription

        for signal in (post_save, post_delete):
            signal.connect(
                _subscriptions_changed,
                sender=WebhookSubscription,
                dispatch_uid=f"integrations.cache.{signal is post_save}",
            )


def _subscriptions_changed(**kwargs) -> None:
    """Cache signal: the dispatch cache of this process no longer holds. Dropped now and
    again on commit, so that an event read in between does not keep the old list."""
    from django.db import transaction

    from integrations.dispatch import invalidate_cache

    invalidate_cache()
    transaction.on_commit(invalidate_cache, robust=True)
