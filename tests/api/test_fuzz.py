"""schemathesis over every operation of /api/v1/openapi.json, as four roles, in both database passes.

Every operation gets FUZZ_EXAMPLES generated requests (valid and invalid data, derandomised so a run is
repeatable), each sent once per role with its Bearer token (none for anonymous) to the app through WSGI,
in the standard permission-matrix world (tests/permissions/world.py). Each response must be no 5xx, a
documented status code, conform to the documented schema and content type, and invalid data must
be refused (a 4xx, never accepted: a float is not an integer). Every failure of every
operation is collected and reported together.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.permissions import matrix
from tests.permissions.world import build_world

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
ROLES = ("anonymous", "startup_admin", "municipality_admin", "platform_admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    negative_data_rejection,
]

for _info in pkgutil.iter_modules(matrix.__path__):  # the matrix modules add objects to the world
    importlib.import_module(f"{matrix.__name__}.{_info.name}")


def _world_path_parameters(operation, world) -> dict:
    """Path ids of the world's objects ({challenge_id} -> the world's challenge), where it has one."""
    names = [p.name for p in operation.path_parameters]
    return {
        name: world.ids[name.removesuffix("_id")]
        for name in names
        if isinstance(world.ids.get(name.removesuffix("_id")), int)
    }


def _fuzz_operation(operation, role_headers: dict[str, dict], world) -> list[str]:
    """FUZZ_EXAMPLES valid cases, again on the world's objects when the path names them, and
    FUZZ_EXAMPLES invalid cases; each one is sent once per role."""
    failures: list[str] = []
    _fuzz_mode(operation, GenerationMode.POSITIVE, role_headers, failures)
    known = _world_path_parameters(operation, world)
    if known:
        _fuzz_mode(operation, GenerationMode.POSITIVE, role_headers, failures, path_parameters=known)
    try:
        _fuzz_mode(operation, GenerationMode.NEGATIVE, role_headers, failures)
    except Unsatisfiable:
        pass  # no parameters and no body: nothing can be made invalid
    return failures


def _fuzz_mode(operation, mode, role_headers: dict[str, dict], failures: list[str], **fixed) -> None:
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case):
        # The spec declares Bearer auth, so generated cases carry a made-up token: each role sends its own,
        # and anonymous none at all.
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        for role, headers in role_headers.items():
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (FailureGroup, Failure) as exc:  # collected, reported together below
                failures.append(
                    f"[{role}, {mode.value}] {case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{str(exc).strip()[:600]}"
                )

    run()


def test_every_operation_as_four_roles_answers_as_documented(app, api):
    world = build_world()
    role_headers = {
        role: (
            {"Authorization": api(world.users[role]).environ_base["HTTP_AUTHORIZATION"]} if role != "anonymous" else {}
        )
        for role in ROLES
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    started, failures, count = time.monotonic(), [], 0
    for result in schema.get_all_operations():
        count += 1
        failures.extend(_fuzz_operation(result.ok(), role_headers, world))
    print(
        f"\nfuzz: {count} operations x {FUZZ_EXAMPLES} valid + {FUZZ_EXAMPLES} invalid examples x {len(ROLES)} roles "
        f"in {time.monotonic() - started:.1f} s"
    )
    assert count >= 130
    assert not failures, f"{len(failures)} failures:\n" + "\n\n".join(failures[:60])
