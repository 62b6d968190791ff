"""Operator commands: `flask matchmaking reindex | status | evaluate DIR`."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

matchmaking_cli = AppGroup("matchmaking", help="Matchmaking index and evaluation.")


@matchmaking_cli.command("reindex")
def reindex():
    """Rebuild the whole index (a new generation, swapped in atomically)."""
    from ..db import commit
    from ..extensions import db
    from . import documents, index
    from .models import ReindexRun

    total = documents.count_indexable()
    run = ReindexRun(status="running", total=total)
    db.session.add(run)
    commit()
    with click.progressbar(length=max(total, 1), label="Indexing", show_pos=True) as bar:
        shown = [0]

        def progress(done, t):
            if done > shown[0]:
                bar.update(done - shown[0])
                shown[0] = done

        try:
            name = index.rebuild(progress=progress)
        except Exception as exc:
            index.set_run_progress(run.id, status="failed", error=str(exc)[:2000])
            index.record_failure("reindex", None, exc)
            raise click.ClickException(f"Reindex failed: {exc}")
    from . import similar

    with click.progressbar(length=1, label="Similar lists", show_pos=True) as bar:

        def similar_progress(done, t):
            bar.length = max(t, 1)
            bar.update(done - bar.pos)

        similar.refresh_all(progress=similar_progress)
    commit()
    from ..db import utcnow

    index.set_run_progress(run.id, status="done", done=total, generation=name, finished_at=utcnow())
    index.resolve_failures("reindex", None)
    commit()
    click.echo(f"Published generation {name} ({total} documents).")


@matchmaking_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(as_json):
    """Which backends are active and why, document counts, generation, last build, failures."""
    from . import index

    st = index.status()
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=2, default=str))
        return
    sem = st["semantic"]
    click.echo(f"Mode:        {st['mode']}")
    click.echo(f"Lexical:     active ({st['lexical']['tokenizer']})")
    click.echo(f"Semantic:    {'active' if sem['active'] else 'off'} ({sem.get('reason', '')})")
    click.echo(f"Index:       {st['store']} (generation {st['generation'] or 'none'})")
    click.echo(
        f"Documents:   {st['documents']} indexed " + ", ".join(f"{k} {v}" for k, v in sorted(st["by_kind"].items()))
    )
    click.echo("Indexable:   " + ", ".join(f"{k} {v}" for k, v in sorted(st["indexable"].items())))
    last = st["last_build"]
    click.echo(
        "Last build:  "
        + ("never" if not last else f"{last['status']} {last['done']}/{last['total']} at {last['created_at']}")
    )
    click.echo(f"Failures:    {st['failures']} unresolved")


@matchmaking_cli.command("evaluate", with_appcontext=False)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--semantic/--no-semantic", default=None, help="Force the semantic model on or off.")
def evaluate(directory, semantic):
    """Evaluate hybrid, lexical and semantic ranking on a judged set (no database needed)."""
    from .evaluation import evaluate_dir, format_report

    click.echo(format_report(evaluate_dir(directory, semantic=semantic)))
