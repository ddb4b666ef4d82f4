"""pytest plugin for `make mutation`: which test runs which code of the mutated modules, and how long each test takes.

Loaded with `-p mutation.profile` by mutation/run.py for one unmutated run of the mapped tests (that run is also the
baseline: it must pass). MUTATION_PROFILE_FILES lists the mutated modules (paths relative to the tree, separated by
os.pathsep); the plugin writes MUTATION_PROFILE_OUT, a JSON object {test node id: {"seconds": float, "code":
[[module path, first line of a code object it ran], ...]}}, plus OUTSIDE: the code that ran outside any test (model
fields built at import, migrations run when the test database is created, session fixtures).

It uses sys.monitoring (Python 3.12+), which sees every thread (live servers and race tests included) and costs
little: a code object outside the mutated modules is reported once per test and then disabled until the next test.
"""

import json
import os
import sys
import time

import pytest

_TOOL = sys.monitoring.PROFILER_ID
OUTSIDE = "<outside tests>"
_state = {"test": None, "started": 0.0}
_results: dict[str, dict] = {OUTSIDE: {"code": set(), "seconds": 0.0}}
_targets: dict[str, str] = {}


def _on_start(code, _offset):
    path = _targets.get(code.co_filename)
    if path is not None:
        _results[_state["test"] or OUTSIDE]["code"].add((path, code.co_firstlineno))
    return sys.monitoring.DISABLE


def pytest_configure(config):
    root = os.getcwd()
    for path in filter(None, os.environ.get("MUTATION_PROFILE_FILES", "").split(os.pathsep)):
        _targets[os.path.realpath(os.path.join(root, path))] = path
    sys.monitoring.use_tool_id(_TOOL, "comptoir-mutation")
    sys.monitoring.register_callback(_TOOL, sys.monitoring.events.PY_START, _on_start)
    sys.monitoring.set_events(_TOOL, sys.monitoring.events.PY_START)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _results[item.nodeid] = {"code": set(), "seconds": 0.0}
    _state["test"], _state["started"] = item.nodeid, time.perf_counter()
    sys.monitoring.restart_events()
    try:
        return (yield)
    finally:
        _results[item.nodeid]["seconds"] = time.perf_counter() - _state["started"]
        _state["test"] = None


def pytest_sessionfinish(session):
    sys.monitoring.set_events(_TOOL, 0)
    sys.monitoring.free_tool_id(_TOOL)
    out = os.environ.get("MUTATION_PROFILE_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({test: {"seconds": round(data["seconds"], 3), "code": sorted(data["code"])}
                       for test, data in _results.items()}, handle)
