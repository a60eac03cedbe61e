"""The event loop's PostgreSQL pool connects as Django does, in autocommit, and prepares
its statement unless the settings turn prepared statements off."""

from types import SimpleNamespace

from helpdesk import async_db


def django_connection(options):
    settings_dict = {"OPTIONS": options}
    params = {"dbname": "comptoir", "user": "app", "cursor_factory": object, "context": None}
    return SimpleNamespace(settings_dict=settings_dict, get_connection_params=params.copy)


def test_pool_connects_like_django_in_autocommit_and_prepares_by_default():
    parameters, sizes = async_db._parameters(
        django_connection({"pool": {"min_size": 2, "max_size": 7, "timeout": 3}})
    )

    assert parameters["dbname"] == "comptoir"
    assert parameters["user"] == "app"
    assert "cursor_factory" not in parameters  # Django's is a synchronous cursor
    assert parameters["autocommit"] is True
    assert parameters["prepare_threshold"] == 0
    assert sizes == {"min_size": 1, "max_size": 7, "timeout": 3}


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    parameters, _ = async_db._parameters(django_connection({"prepare_threshold": None}))

    assert parameters["prepare_threshold"] is None
