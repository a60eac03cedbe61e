"""Set-up run after ``migrate``: the role groups and their permissions (accounts.roles)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

from accounts import roles


def role_groups_sync(sender, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """``post_migrate`` receiver. Other apps' permissions may not exist yet (their own
    ``post_migrate`` comes later in ``INSTALLED_APPS`` order), so they are created first;
    ``create_permissions`` is idempotent."""
    try:
        historical_group = apps.get_model("auth", "Group")
        apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return  # auth or contenttypes are not migrated (yet): nothing to attach groups to.
    if not router.allow_migrate_model(using, historical_group):
        return
    for label in roles.ADMINISTRATOR_APPS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    roles.sync_role_groups(using=using)
