# Vendored from ../shared/bench-peers/corpus.py (the corpus every peer generator in
# shared/bench-peers draws from), unchanged below this header, so bench/ works without
# shared/ beside the repository. Keep it byte-identical to the original: the peers and
# tiketti must hold the same tickets for the timings to compare like with like.
# bench/test_generate.py checks that the two copies agree when shared/ is present.
"""Deterministic synthetic ticket corpus shared by every peer generator.

Every generator draws the same N tickets from `tickets(n)`, so the peers hold
equivalent data (same titles, bodies, statuses, assignees, labels) and the
timings compare like with like.

Shape of the corpus (fixed seed, stable across runs and machines):
  - status: open 55 %, in-progress 15 %, closed 30 %   ("open tickets" = open + in-progress)
  - assignee: one of 25 names (~4 % each), 10 % unassigned
  - labels: 0-3 of 12 labels (label "bug" on ~25 % of tickets)
  - priority: high / medium / low
  - title: 4-8 words; body: 2-4 paragraphs, ~60-200 words (~0.6-1.4 KB)
  - the rare word "zanzibar" is in the body of ~0.5 % of tickets
    (full-text search target; sometimes capitalised at a paragraph start:
    at 100k, 480 tickets match it case-sensitively, 497 case-insensitively);
    the common word "timeout" in ~10 %.
Only the standard library is used.
"""
import datetime as _dt
import random as _random

SEED = 20240601

ASSIGNEES = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
    "trent", "uma", "victor", "walter", "xena", "yusuf", "zoe", "quinn", "lena",
]
LABELS = ["bug", "feature", "ui", "backend", "docs", "perf", "security",
          "build", "test", "infra", "api", "cli"]
PRIORITIES = ["high", "medium", "low"]
STATUSES = ["open", "in-progress", "closed"]
STATUS_WEIGHTS = [55, 15, 30]

RARE_WORD = "zanzibar"      # in ~0.5 % of bodies
COMMON_WORD = "timeout"     # in ~10 % of bodies
FILTER_ASSIGNEE = "alice"   # ~3.6 % of tickets
FILTER_LABEL = "bug"        # ~25 % of tickets

_SYL = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "de", "pa", "gu",
        "ber", "con", "dis", "for", "man", "pro", "ser", "tin", "val", "ex",
        "an", "or", "il", "um", "est", "ion", "ar", "en", "ol"]


def _vocab():
    r = _random.Random(SEED + 1)
    real = ("the a to of and in is for on with when after before user page "
            "error crash fails returns wrong value file config server client "
            "request response cache index list filter search report ticket "
            "should must not does cannot expected actual steps reproduce "
            "build test log memory disk network login session token parser "
            "render button window table column row query update delete create").split()
    words = set()
    while len(words) < 1500:
        words.add("".join(r.choice(_SYL) for _ in range(r.randint(2, 4))))
    words.discard(RARE_WORD)
    words.discard(COMMON_WORD)
    return real * 6 + sorted(words)  # real words weighted up


VOCAB = _vocab()
BASE_DATE = _dt.datetime(2020, 1, 1, 9, 0, 0)


def _sentence(r, lo, hi):
    return " ".join(r.choice(VOCAB) for _ in range(r.randint(lo, hi)))


def ticket(i):
    """Ticket number i (1-based). Returns a dict of plain Python values."""
    r = _random.Random(SEED * 1_000_003 + i)
    status = r.choices(STATUSES, STATUS_WEIGHTS)[0]
    assignee = None if r.random() < 0.10 else r.choice(ASSIGNEES)
    labels = []
    if r.random() < 0.25:
        labels.append("bug")
    for _ in range(r.randint(0, 2)):
        lab = r.choice(LABELS[1:])
        if lab not in labels:
            labels.append(lab)
    priority = r.choice(PRIORITIES)
    title = _sentence(r, 4, 8).capitalize()
    paras = []
    for _ in range(r.randint(2, 4)):
        words = _sentence(r, 15, 50).split()
        paras.append(words)
    if r.random() < 0.005:
        p = r.choice(paras)
        p.insert(r.randint(0, len(p)), RARE_WORD)
    if r.random() < 0.10:
        p = r.choice(paras)
        p.insert(r.randint(0, len(p)), COMMON_WORD)
    body = "\n\n".join(" ".join(p).capitalize() + "." for p in paras)
    created = BASE_DATE + _dt.timedelta(minutes=37 * i)
    return {
        "num": i,
        "id": "T-%06d" % i,
        "title": title,
        "status": status,
        "assignee": assignee,
        "labels": labels,
        "priority": priority,
        "created": created,
        "body": body,
    }


def tickets(n):
    for i in range(1, n + 1):
        yield ticket(i)


if __name__ == "__main__":
    import collections
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    st = collections.Counter()
    rare = common = alice = bug = size = 0
    for t in tickets(n):
        st[t["status"]] += 1
        rare += RARE_WORD in t["body"]
        common += COMMON_WORD in t["body"]
        alice += t["assignee"] == FILTER_ASSIGNEE
        bug += FILTER_LABEL in t["labels"]
        size += len(t["body"]) + len(t["title"])
    print(dict(st), "rare", rare, "common", common, "alice", alice,
          "bug", bug, "avg text bytes", size // n)
