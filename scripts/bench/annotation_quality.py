"""Annotation quality on the hand-labelled set, and annotation speed on one core.

    .venv/bin/python scripts/bench/annotation_quality.py [--misses] [--rounds 5]

Prints precision, recall and F1 per kind over the posts of tests/annotation_set/ (see its
README for what each label means), register resolution (accuracy over the judge mentions
found, precision of the ids given), appointed_by accuracy, the court filter's precision and
recall over the set's threads, then posts/s annotating the whole set thread by thread
(eyecite included): the process's CPU time, best of the rounds, so that other work on the
machine does not count. `--misses` lists every disagreement with the labels.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from labelled_set import SET_DIR, LabelledThread, Report, load_threads, score  # noqa: E402

from bot.annotate import annotate_thread, load_register  # noqa: E402
from bot.daemon.court_filter import is_court_thread, score_thread  # noqa: E402
from bot.models import Annotation  # noqa: E402


def annotate(thread: LabelledThread) -> list[list[Annotation]]:
    return annotate_thread(thread.thread().posts, thread.annotation_context())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    threads = load_threads()
    register = load_register()
    report = score(threads, annotate)
    print(
        f"labelled set: {len(threads)} threads, {report.posts} posts; register {register.version}"
    )
    filter_misses = print_figures(report, threads)
    holdout = load_threads(SET_DIR / "holdout")
    holdout_report = score(holdout, annotate)
    print(
        f"\nheld-out set (written after the rules; first-run figures in its header): "
        f"{len(holdout)} threads, {holdout_report.posts} posts"
    )
    holdout_filter_misses = print_figures(holdout_report, holdout)

    posts = [thread.thread() for thread in threads]
    contexts = [thread.annotation_context() for thread in threads]
    best = 0.0
    for _ in range(args.rounds):
        started = time.process_time()  # this process's CPU: what one core spends
        count = 0
        for thread, context in zip(posts, contexts, strict=True):
            annotate_thread(thread.posts, context, register=register)
            count += len(thread.posts)
        best = max(best, count / (time.process_time() - started))
    print(
        f"speed: {best:,.0f} posts/s on one core (CPU time, best of {args.rounds} rounds, "
        "eyecite included)"
    )

    if args.misses:
        for name, shown, misses in (
            ("labelled set", report, filter_misses),
            ("held-out set", holdout_report, holdout_filter_misses),
        ):
            print(f"\n===== {name}")
            print_misses(shown, misses)


def print_figures(report: Report, threads: list[LabelledThread]) -> list[str]:
    """Print the figures of one report; return the court filter's disagreements."""
    print(f"{'kind':<15} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
    for kind, counts in report.kinds.items():
        print(
            f"{kind:<15} {counts.precision:9.3f} {counts.recall:7.3f} {counts.f1:6.3f} "
            f"{counts.tp:4d} {counts.fp:3d} {counts.fn:3d}"
        )
    res = report.resolution
    print(
        f"register resolution: accuracy {res.accuracy:.3f} ({res.correct}/{res.mentions} "
        f"mentions found), precision {res.precision:.3f} ({res.resolved_right}/{res.resolved} "
        f"ids given), recall {res.recall:.3f} ({res.resolved_right}/{res.resolvable} resolvable)"
    )
    app = report.appointments
    print(f"appointed_by accuracy: {app.accuracy:.3f} ({app.correct}/{app.claims} claims)")
    tp = fp = fn = 0
    misses: list[str] = []
    for thread in threads:
        court_score = score_thread(thread.thread())
        kept = is_court_thread(court_score)
        tp += kept and thread.court
        fp += kept and not thread.court
        fn += thread.court and not kept
        if kept != thread.court:
            misses.append(f"{thread.id}: kept={kept} {court_score}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    courts = sum(t.court for t in threads)
    print(
        f"court filter: precision {precision:.3f}, recall {recall:.3f} "
        f"({tp} kept, {fp} wrongly kept, {fn} missed of {courts} court threads)"
    )
    return misses


def print_misses(report: Report, filter_misses: list[str]) -> None:
    for kind, misses in sorted(report.misses.items()):
        print(f"\n--- {kind}")
        print("\n".join(misses))
    print("\n--- wrong register ids")
    print("\n".join(report.resolution.wrong))
    print("\n--- appointed_by")
    print("\n".join(report.appointments.misses))
    print("\n--- court filter")
    print("\n".join(filter_misses))


if __name__ == "__main__":
    main()
