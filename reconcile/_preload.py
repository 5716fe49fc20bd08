"""Imported once by the worker-process server (forkserver) or by each spawned worker,
so that workers start with every module a file check needs already loaded."""

from reconcile.pipeline import warm_up

warm_up()
