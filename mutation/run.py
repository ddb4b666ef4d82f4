"""`make mutation`: mutation testing of the modules that hold the rules protecting money, stock, an order's state
and an email's delivery (mutation/modules.toml), with cosmic-ray.

    python mutation/run.py                       every module of mutation/modules.toml
    python mutation/run.py orders/services/pricing.py core/money.py
    python mutation/run.py --jobs 1              one worker (default: one per CPU, or MUTATION_JOBS)
    python mutation/run.py --report              print the last run's report again

What it does:
1. Shares the modules among `--jobs` workers (the largest first, to the least loaded). Each worker copies the
   working tree (git's tracked and untracked, not ignored, files) to its own scratch folder, because cosmic-ray
   writes each mutant into the source file itself: the developer's tree is never touched, and two workers never
   share a mutant. Steps 2 to 4 run in each worker, on its own test databases.
2. Lists the mutants of each module with cosmic-ray (`init`), then skips the ones the config leaves out (operators
   not kept, signatures and annotations, parts not mutated, lines marked `# pragma: no mutate`).
3. Runs the mapped tests once, unmutated, with mutation/profile.py: on SQLite, then the tests marked `postgres` or
   `concurrency` (row-lock races, lock order, full-text search: SQLite skips them) on PostgreSQL. This is the
   baseline (it must pass), and it records which test runs which function of each module and how long it takes.
4. For each mutant: cosmic-ray applies it and runs, in a new process, only the tests that ran the mutated
   function (fastest first, stopping at the first failure; all the mapped tests for a mutant outside any function,
   a constant or a class attribute that other code reads): those on SQLite (fast), then, if all passed, those
   that need PostgreSQL. Then it restores the file. A mutant that no test runs survives without a run. One mutant
   at a time per worker, on one test database per engine (`--reuse-db`).
5. Prints, per module, the mutants killed, survived, timed out and incompetent (cosmic-ray could not apply or run
   them), and every survivor with file:line, the function and the diff. The sessions (cosmic-ray's own format:
   `cosmic-ray dump`, `cr-report`, `cr-html` read them) and report.txt stay in .mutation/.

Environment: MUTATION_DATABASE_URL (Postgres; default postgres://postgres:postgres@127.0.0.1:5432/comptoir_mutation;
worker N adds _N to the name, its tests then use test_comptoir_mutation_N), MUTATION_WORKDIR (the scratch copy,
which holds the SQLite test database too; default a folder under /tmp named after this tree; worker N adds -N),
MUTATION_JOBS (the workers).
"""

import argparse
import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from cosmic_ray.commands.init import init as cr_init
from cosmic_ray.mutating import _make_diff, mutate_and_test, mutate_code
from cosmic_ray.plugins import get_operator
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / ".mutation"
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/comptoir_mutation"
NO_TEST = "no test runs this code"
OUTSIDE = "<outside tests>"  # mutation/profile.py: code that ran outside any test
PRAGMA = re.compile(r"#\s*pragma:\s*no mutate")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="modules of mutation/modules.toml (default: all)")
    parser.add_argument("--report", action="store_true", help="print the report of the last run, run nothing")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", 0)) or os.cpu_count() or 1,
                        help="modules tested at once, each in its own tree copy and databases (default: the CPUs)")
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    config = tomllib.loads((REPO / "mutation" / "modules.toml").read_text(encoding="utf-8"))
    unknown = [m for m in args.modules if m not in config["modules"]]
    if unknown:
        parser.error(f"not in mutation/modules.toml: {', '.join(unknown)}")
    modules = args.modules or list(config["modules"])
    if args.report:
        return report(modules)

    started = time.monotonic()
    OUT.mkdir(exist_ok=True)
    groups = module_groups(modules, args.jobs) if not args.worker else [modules]
    if len(groups) > 1:
        workers_run(groups)
    else:
        worker_run(modules, config, args.worker)
    if args.worker:
        return 0
    took = time.monotonic() - started
    print(f"\nmutation testing took {took / 60:.0f} min")
    return report(modules, took=took)


def module_groups(modules: list[str], jobs: int) -> list[list[str]]:
    """The modules shared among `jobs` workers, the largest first to the least loaded (by lines of code)."""
    lines = {m: len((REPO / m).read_text(encoding="utf-8").splitlines()) for m in modules}
    groups: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(modules))))]
    loads = [0] * len(groups)
    for module in sorted(modules, key=lambda m: -lines[m]):
        least = loads.index(min(loads))
        groups[least].append(module)
        loads[least] += lines[module]
    return groups


def workers_run(groups: list[list[str]]) -> None:
    """One worker process per group, each with its own tree copy and test databases; their lines interleave."""
    processes = []
    for number, group in enumerate(groups, 1):
        print(f"worker {number}: {' '.join(group)}", flush=True)
        processes.append(subprocess.Popen([PYTHON, str(Path(__file__).resolve()), "--worker", str(number), *group]))
    failed = [number for number, process in enumerate(processes, 1) if process.wait() != 0]
    if failed:
        raise SystemExit(f"worker {', '.join(map(str, failed))} stopped early: see its lines above.")


def worker_run(modules: list[str], config: dict, worker: str) -> None:
    tree = tree_copy(worker)
    os.chdir(tree)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sessions = {module: session_create(module, config) for module in modules}
    profiles = {database: profile_run(modules, config, database, tree, worker) for database in DATABASES}
    for module in modules:
        module_run(module, config["modules"][module], sessions[module], profiles, tree, worker)


def tree_copy(worker: str) -> Path:
    """A fresh copy of the working tree (tracked and untracked files, not the ignored ones)."""
    default = Path("/tmp") / f"comptoir-mutation-{hashlib.sha1(str(REPO).encode()).hexdigest()[:10]}"
    tree = Path(os.environ.get("MUTATION_WORKDIR", default))
    if worker:
        tree = tree.with_name(f"{tree.name}-{worker}")
    if tree.exists():
        shutil.rmtree(tree)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    print(f"working tree copied to {tree}")
    return tree


# Every test runs on SQLite, the fast one, except those SQLite skips (marked `postgres` or `concurrency`).
DATABASES = {"sqlite": "not postgres and not concurrency", "postgres": "postgres or concurrency"}
LEFT_OUT = "not e2e and not celery_worker"


def database_env(database: str, tree: Path, worker: str) -> dict:
    if database == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{tree / 'mutation.sqlite3'}",
                "SQLITE_TEST_NAME": str(tree / "test-mutation.sqlite3")}
    url = os.environ.get("MUTATION_DATABASE_URL", DEFAULT_POSTGRES)
    return {"DATABASE_URL": f"{url}_{worker}" if worker else url}  # each worker its own test database


def session_path(module: str) -> Path:
    return OUT / (module.replace("/", ".").removesuffix(".py") + ".sqlite")


def session_create(module: str, config: dict) -> Path:
    """cosmic-ray's session for `module`: every mutant, those the config leaves out already marked skipped."""
    path = session_path(module)
    path.unlink(missing_ok=True)
    source = Path(module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    kept = set(config["operators"])
    parts = config["modules"][module].get("parts")
    part_spans = [span for name, span in top_level_spans(tree).items() if name in parts] if parts else None
    signatures = signature_spans(tree)
    with use_db(str(path), WorkDB.Mode.create) as db:
        cr_init([Path(module)], db, {})
        for item in db.work_items:
            mutation = item.mutations[0]
            line, col = mutation.start_pos
            why = None
            if mutation.operator_name not in kept:
                why = "operator not kept (mutation/modules.toml)"
            elif any(inside((line, col), span) for span in signatures):
                why = "in a signature or an annotation"
            elif part_spans is not None and not any(start <= line <= end for start, end in part_spans):
                why = "outside the parts of this module that are mutated"
            elif PRAGMA.search(lines[line - 1]):
                why = "pragma: no mutate"
            if why:
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=why))
        pending = len(db.pending_work_items)
    print(f"{module}: {pending} mutants to test")
    return path


def top_level_spans(tree: ast.Module) -> dict[str, tuple[int, int]]:
    """First and last line of each top-level function, class (decorators included) and assigned name."""
    spans = {}
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            spans[node.name] = (start, node.end_lineno)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        spans[name.id] = (start, node.end_lineno)
    return spans


def signature_spans(tree: ast.Module) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(line, col) spans of function signatures (up to the body, defaults left out) and of every annotation."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defaults = [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
            start, body = (node.lineno, node.col_offset), (node.body[0].lineno, node.body[0].col_offset)
            cuts = sorted(((d.lineno, d.col_offset), (d.end_lineno, d.end_col_offset)) for d in defaults)
            for cut_start, cut_end in cuts:
                spans.append((start, cut_start))
                start = cut_end
            spans.append((start, body))
        elif isinstance(node, ast.AnnAssign):
            spans.append(((node.annotation.lineno, node.annotation.col_offset),
                          (node.annotation.end_lineno, node.annotation.end_col_offset)))
    return spans


def inside(position, span) -> bool:
    return span[0] <= tuple(position) < span[1]


def profile_run(modules: list[str], config: dict, database: str, tree: Path, worker: str) -> dict:
    """The baseline on one database: the mapped tests, unmutated, profiled. Exits if they do not pass."""
    paths = sorted({path for module in modules for path in config["modules"][module]["tests"]})
    out = OUT / f"profile.{database}{worker}.json"
    env = dict(os.environ, **database_env(database, tree, worker), MUTATION_PROFILE_FILES=os.pathsep.join(modules),
               MUTATION_PROFILE_OUT=str(out), PYTHONPATH=str(tree))
    marks = f"({DATABASES[database]}) and {LEFT_OUT}"
    print(f"baseline on {database} ({marks}): {' '.join(paths)}", flush=True)
    started = time.monotonic()
    done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "mutation.profile", "-p", "no:randomly", "--create-db",
                           "-m", marks, *paths], env=env, capture_output=True, text=True)
    if done.returncode not in (0, 5):  # 5: no test selected
        print(done.stdout[-6000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"The tests fail without any mutant (exit {done.returncode}): fix them first.")
    print(f"  {done.stdout.strip().splitlines()[-1]} ({time.monotonic() - started:.0f} s)", flush=True)
    return json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


def module_run(module: str, settings: dict, path: Path, profiles: dict, tree: Path, worker: str) -> None:
    roots = tuple(p.rstrip("/") for p in settings["tests"])
    spans = function_spans(ast.parse(Path(module).read_text(encoding="utf-8")))
    reach = {database: tests_reaching(module, roots, spans, profile) for database, profile in profiles.items()}
    with use_db(str(path), WorkDB.Mode.open) as db:
        pending = sorted(db.pending_work_items, key=lambda i: (i.mutations[0].start_pos, i.mutations[0].operator_name))
        for number, item in enumerate(pending, 1):
            mutation = item.mutations[0]
            line = mutation.start_pos[0]
            span = next((s for s in spans if s[0] <= line <= s[1]), "module")
            steps, seconds, count = [], 0.0, 0
            for database, (functions, durations) in reach.items():
                chosen = sorted(functions.get(span, ()), key=durations.get)
                if chosen:
                    args_file = OUT / f"tests.{database}{worker}.args"
                    args_file.write_text("\n".join(chosen) + "\n", encoding="utf-8")
                    env = " ".join(f"{k}={v}" for k, v in database_env(database, tree, worker).items())
                    steps.append(f"env {env} {PYTHON} -m pytest -x -q -p no:randomly --no-header @{args_file}")
                    seconds += sum(durations[t] for t in chosen)
                    count += len(chosen)
            started = time.monotonic()
            if not steps:
                result = WorkResult(worker_outcome=WorkerOutcome.NORMAL, test_outcome=TestOutcome.SURVIVED,
                                    output=NO_TEST, diff=diff_of(mutation))
            else:
                command = f"/bin/sh -c {shlex.quote(' && '.join(steps))}"
                result = mutate_and_test(item.mutations, command, 60 + 3 * seconds)
            db.set_result(item.job_id, result)
            print(f"[{number}/{len(pending)}] {module}:{line} {short(mutation.operator_name)} "
                  f"{outcome(result)} ({count} tests, {time.monotonic() - started:.1f} s)", flush=True)


def tests_reaching(module: str, roots: tuple, spans: list, profile: dict) -> tuple[dict, dict]:
    """{function span: the tests that ran it, or "module" for code outside functions: every mapped test},
    {test: seconds}."""
    functions: dict = {}
    durations = {}
    outside = {span for code_module, first_line in profile.get(OUTSIDE, {}).get("code", []) if code_module == module
               for span in spans if span[0] <= first_line <= span[1]}
    for test, data in profile.items():
        if not any(test.split("::")[0] == root or test.startswith(root + "/") for root in roots):
            continue
        durations[test] = data["seconds"]
        # Code outside any function (a constant, a class attribute such as a field's empty_strings_allowed) is read
        # by code of other modules too (Django's): every mapped test may kill its mutants.
        functions.setdefault("module", set()).add(test)
        for code_module, first_line in data["code"]:
            if code_module == module:
                for span in spans:
                    if span[0] <= first_line <= span[1]:
                        functions.setdefault(span, set()).add(test)
    # A function that also ran outside the tests (at import, while the test database was built) may shape what
    # every test sees: all the mapped tests may kill its mutants.
    for span in outside:
        functions[span] = functions.get(span, set()) | functions.get("module", set())
    return functions, durations


def function_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """Lines of each top-level function and each method of a top-level class, decorators included."""
    spans = []
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        for member in members:
            if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([member.lineno] + [d.lineno for d in member.decorator_list])
                spans.append((start, member.end_lineno))
    return spans


def diff_of(mutation) -> str:
    source = Path(mutation.module_path).read_text(encoding="utf-8")
    operator = get_operator(mutation.operator_name)(**(mutation.operator_args or {}))
    mutated = mutate_code(source, operator, mutation.occurrence)
    return "\n".join(_make_diff(source, mutated, mutation.module_path)) if mutated else ""


def short(operator_name: str) -> str:
    return operator_name.removeprefix("core/")


def outcome(result: WorkResult) -> str:
    if result.worker_outcome == WorkerOutcome.SKIPPED:
        return "skipped"
    if result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == TestOutcome.INCOMPETENT:
        return "incompetent"
    if result.test_outcome == TestOutcome.SURVIVED:
        return "survived"
    return "timeout" if result.output == "timeout" else "killed"


def report(modules: list[str], took: float | None = None) -> int:
    columns = ("killed", "survived", "timeout", "incompetent")
    rows, survivors = [], []
    for module in modules:
        path = session_path(module)
        if not path.exists():
            rows.append((module, None))
            continue
        with use_db(str(path), WorkDB.Mode.open) as db:
            done = db.completed_work_items
            pending = len(db.pending_work_items)
        counts = dict.fromkeys(columns + ("skipped",), 0)
        for item, result in done:
            counts[outcome(result)] += 1
            if outcome(result) == "survived":
                survivors.append((module, item.mutations[0], result))
        rows.append((module, counts | {"pending": pending}))
    lines = ["", "Mutation testing (cosmic-ray): mutants per module", ""]
    header = f"{'module':<32}{'mutants':>8}" + "".join(f"{c:>12}" for c in columns) + f"{'score':>8}"
    lines += [header, "-" * len(header)]
    total = dict.fromkeys(columns, 0)
    for module, counts in rows:
        if counts is None:
            lines.append(f"{module:<32}  (not run)")
            continue
        tested = sum(counts[c] for c in columns)
        for c in columns:
            total[c] += counts[c]
        score = f"{100 * (tested - counts['survived']) / tested:.0f}%" if tested else "-"
        note = f"   ({counts['pending']} not run yet)" if counts["pending"] else ""
        lines.append(f"{module:<32}{tested:>8}" + "".join(f"{counts[c]:>12}" for c in columns) + f"{score:>8}{note}")
    tested = sum(total.values())
    score = f"{100 * (tested - total['survived']) / tested:.0f}%" if tested else "-"
    lines += ["-" * len(header), f"{'total':<32}{tested:>8}" + "".join(f"{total[c]:>12}" for c in columns)
              + f"{score:>8}"]
    lines.append("killed: a test failed (or the module no longer imports); timeout: the tests ran out of time "
                 "(counted as killed); incompetent: cosmic-ray could not apply or run the mutant.")
    unreached = sum(1 for _, _, result in survivors if result.output == NO_TEST)
    lines.append(f"survived: every test that runs the mutated function passed ({unreached} of them run by no test).")
    lines += ["", f"Surviving mutants ({len(survivors)}):"]
    for module, mutation, result in sorted(survivors, key=lambda s: (s[0], tuple(s[1].start_pos))):
        why = "  [no test runs it]" if result.output == NO_TEST else ""
        lines.append(f"\n{module}:{mutation.start_pos[0]}  {short(mutation.operator_name)}"
                     f"  in {mutation.definition_name or '(module)'}{why}")
        lines += [f"    {d}" for d in (result.diff or "").splitlines()
                  if d.startswith(("-", "+")) and not d.startswith(("---", "+++"))]
    if took is not None:
        lines.append(f"\nTook {took / 60:.0f} min.")
    text = "\n".join(lines) + "\n"
    print(text)
    if took is not None:
        (OUT / "report.txt").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
