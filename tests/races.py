"""One helper for tests that race threads against the real database."""

import threading

from django.db import connection


def race(jobs, *, timeout: float = 60):
    """Run each job (a callable) in its own thread, all released together by a barrier.

    Every thread closes its own database connection. Returns the results in the jobs' order, an
    exception a job raised standing in for its result; fails if a thread did not finish."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    done = [False] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=timeout / 2)
            results[index] = job()
        except Exception as exc:  # handed back to the test
            results[index] = exc
        finally:
            connection.close()
            done[index] = True

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(done), f"{done.count(False)} of {len(jobs)} racing threads did not finish"
    return results
