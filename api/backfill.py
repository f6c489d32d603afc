"""Timer `backfill_search`: write `search` keys into records stored before they existed.

Daily, after the purge; a bounded batch per run (`callinsights.search_backfill`). Once every
record has its keys, a run is one query that finds nothing.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from callinsights.settings import Settings

bp = df.Blueprint()  # as every module of the app (a DFApp takes durable blueprints)

SCHEDULE = "0 45 3 * * *"  # every day at 03:45 UTC


@bp.timer_trigger(schedule=SCHEDULE, arg_name="timer", run_on_startup=False)
def backfill_search(timer: func.TimerRequest) -> None:
    from callinsights.repository import repository_for
    from callinsights.search_backfill import backfill_search_keys

    report = backfill_search_keys(repository_for(Settings.from_env()))
    logging.info("backfill_search: %d records given search keys, %d changed meanwhile",
                 report.updated, report.changed_meanwhile)
