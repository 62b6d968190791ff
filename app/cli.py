"""Platform-wide commands: worker, scheduler, seed-demo, i18n."""

from __future__ import annotations

import time as _time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


@click.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--with-scheduler", is_flag=True, help="Also enqueue the periodic jobs.")
@with_appcontext
def worker(queues, burst, with_scheduler):
    """Run an RQ worker on the named queues (all queues by default)."""
    from rq import Worker

    from .jobs import QUEUES, get_queue, get_redis

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run inline without a worker.")
    names = queues or QUEUES
    unknown = set(names) - set(QUEUES)
    if unknown:
        raise click.ClickException(f"Unknown queues: {', '.join(sorted(unknown))}")
    if with_scheduler:
        import threading

        app = current_app._get_current_object()
        threading.Thread(target=_scheduler_loop, args=(app,), daemon=True).start()
    Worker([get_queue(n) for n in names], connection=get_redis()).work(burst=burst)


def _scheduler_loop(app: Flask, once: bool = False) -> None:
    from .jobs import PERIODIC, due, get_queue, get_redis, run_job

    tz = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    with app.app_context():
        redis = get_redis()
        while True:
            now = datetime.now(timezone.utc)
            for job in PERIODIC.values():
                key = f"scheduler:last:{job.name}"
                raw = redis.get(key)
                last = datetime.fromisoformat(raw.decode()) if raw else None
                # One scheduler wins the slot even when several run.
                if due(job, last, now, tz) and redis.set(f"{key}:lock:{now:%Y%m%d%H%M}", 1, nx=True, ex=120):
                    redis.set(key, now.isoformat())
                    get_queue(job.queue).enqueue(run_job, job.func)
            if once:
                return
            _time.sleep(30)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Check once and exit.")
@with_appcontext
def scheduler(once):
    """Enqueue periodic jobs when they are due (declared with app.jobs.periodic)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set.")
    _scheduler_loop(current_app._get_current_object(), once=once)


@click.command("run-periodic")
@click.argument("name")
@with_appcontext
def run_periodic(name):
    """Run one periodic job now, in this process (useful without Redis)."""
    from .jobs import PERIODIC, run_job

    if name not in PERIODIC:
        raise click.ClickException(f"Unknown job {name!r}. Known: {', '.join(sorted(PERIODIC))}")
    run_job(PERIODIC[name].func)
    click.echo(f"Ran {name}")


i18n_cli = AppGroup("i18n", help="Translations.")


@i18n_cli.command("compile")
def compile_translations():
    """Compile every package's messages.po."""
    from .i18n import compile_catalogs

    click.echo(f"Compiled {compile_catalogs()} catalogue(s)")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when there are no organisations yet.")
@with_appcontext
def seed_demo(if_empty):
    """Load the realistic Japanese demo data (see README for the logins)."""
    from .seed import seed_all

    created = seed_all(if_empty=if_empty, report=click.echo)
    if created:  # one full build of the matchmaking index, with its progress bar
        from .matchmaking.cli import reindex

        click.echo("Building the matchmaking index…")
        click.get_current_context().invoke(reindex)
    click.echo("Demo data loaded." if created else "The database already has data: nothing loaded.")


def register_commands(app: Flask) -> None:
    for command in (worker, scheduler, run_periodic, i18n_cli, seed_demo):
        app.cli.add_command(command)
