import cProfile, pstats, io, random, time, os
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from roadmap import scoring
from roadmap.models import RoadmapItem
from portal.models import Account
from roadmap.services import vote_cast
from tests.perf.test_roadmap_bench import _build


@pytest.mark.django_db(transaction=True)
def test_profile(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    built = _build(random.Random(2026), int(os.environ.get("PROF_SCALE", "1")))
    scoring.priorities_recompute()
    for label, fn in [("full", scoring.priorities_recompute)]:
        pr = cProfile.Profile()
        t, c = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            pr.enable(); fn(); pr.disable()
        print(f"\n{label}: wall {time.perf_counter()-t:.3f} cpu {time.process_time()-c:.3f}")
        for q in ctx.captured_queries:
            print(f"  {q['time']}  {q['sql'][:110]}")
        s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(25); print(s.getvalue()[:5000])
    rep = built["reps"][0]
    item = RoadmapItem.objects.filter(status="under_consideration").order_by("-id").first()
    account = Account.objects.filter(csm_owner=rep).first()
    vote_cast(item=item, account=account, rep=rep, evidence="b", expected_health_impact="high")
    pr = cProfile.Profile()
    t, c = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as ctx:
        pr.enable(); scoring.priorities_recompute_if_dirty(); pr.disable()
    print(f"\none vote: wall {time.perf_counter()-t:.3f} cpu {time.process_time()-c:.3f}")
    for q in ctx.captured_queries:
        print(f"  {q['time']}  {q['sql'][:110]}")
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(20); print(s.getvalue()[:4000])
