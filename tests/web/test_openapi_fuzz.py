"""Schemathesis over the OpenAPI: every operation, generated requests, no server error.

Bounded for ``make test``: six examples per operation (about three hundred in all),
derandomised (a fixed seed: the same requests every run), on a module's database
holding an open debate. Each response must also match the schema: status codes
documented, bodies of the documented shape (the 422 error included). Left out: the
check that a request valid for the schema is accepted — a well-formed slug or
territory code that does not exist is rightly answered 404.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from tests.foresight import factories as f  # noqa: E402
from trajectoires.db import create_database, migrate  # noqa: E402
from trajectoires.settings import Settings  # noqa: E402

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from tests.conftest import fresh_database_url

    folder = tmp_path_factory.mktemp("openapi-fuzz")
    with fresh_database_url(folder) as url:
        database = create_database(url)
        migrate(database)
        f.debate_with_blocs(database, per_bloc=3, n_statements=3)
        app = f.make_app(Settings.from_env({}, workspace=str(folder / "ws"),
                                           database_url=url), database)
        yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        database.engine.dispose()


def _fuzz(operation) -> str | None:  # noqa: ANN001
    """Run the examples of one operation; return what failed, or ``None``."""
    @given(case=operation.as_strategy())
    @settings(max_examples=6, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case) -> None:  # noqa: ANN001
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 (all reported)
        return f"{operation.label}: {str(error)[:1500]}"
    return None


def test_api_answers_within_its_schema(api_schema) -> None:  # noqa: ANN001
    failures = [problem for result in api_schema.get_all_operations()
                if (problem := _fuzz(result.ok()))]
    assert not failures, "\n\n".join(failures)
