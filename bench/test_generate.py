#!/usr/bin/env python3
"""Test bench/generate: 1,000 tickets that `tiketti check` accepts and that list as the
corpus says, the same repository for the same input, and a vendored corpus that still
matches the peers' copy.

    python3 bench/test_generate.py          # needs target/release/tiketti (or $TIKETTI)

Takes about 10 s. Prints `N passed, N failed` at the end and exits 1 on a failure.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in bench/
import corpus  # noqa: E402

TK = os.path.abspath(os.environ.get("TIKETTI") or os.path.join(ROOT, "target", "release",
                                                               "tiketti"))
N = 1000


def env_for(home):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               HOME=home, TIKETTI=TK, TIKETTI_ACTOR="alice",
               TIKETTI_NOW="2026-11-01T12:00:00Z")
    env.pop("TIKETTI_REPO", None)
    return env


class GenerateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(TK, os.X_OK):
            raise unittest.SkipTest("no tiketti binary at %s (cargo build --release)" % TK)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.env = env_for(cls.tmp.name)
        cls.dir = os.path.join(cls.tmp.name, "desk")
        subprocess.run([os.path.join(HERE, "generate"), str(N), cls.dir, "-q"],
                       env=cls.env, check=True)
        with open(os.path.join(cls.dir, ".git", "tiketti-bench.json")) as f:
            cls.meta = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def tk(self, *args):
        return subprocess.run([TK, *args], cwd=self.dir, env=self.env, capture_output=True,
                              text=True)

    def git(self, *args):
        return subprocess.run(["git", "-C", self.dir, *args], env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def test_check_finds_no_problem(self):
        r = self.tk("check")
        self.assertEqual(r.returncode, 0, r.stdout[:2000] + r.stderr)
        self.assertIn("no problems found", r.stderr)

    def test_open_counts_match_the_corpus(self):
        tickets = list(corpus.tickets(N))
        open_ = sum(t["status"] != "closed" for t in tickets)
        alice = sum(t["status"] != "closed" and t["assignee"] == "alice" for t in tickets)
        self.assertEqual(len(self.tk("list", "--open", "--format", "ids").stdout.split()), open_)
        self.assertEqual(len(self.tk("list", "--open", "--assignee", "alice", "--format",
                                     "ids").stdout.split()), alice)
        self.assertEqual(len(self.tk("list", "--format", "ids").stdout.split()), N)
        self.assertEqual(self.meta["expect"]["open"], open_)
        self.assertEqual(self.meta["expect"]["alice_open"], alice)

    def test_rare_word_is_in_the_same_number_of_tickets(self):
        out = subprocess.run(["grep", "-rlw", "zanzibar", "tickets"], cwd=self.dir,
                             capture_output=True, text=True).stdout.split()
        tickets = {p.split("/")[2] for p in out}
        want = sum(corpus.RARE_WORD in t["body"] for t in corpus.tickets(N))
        self.assertEqual(len(tickets), want)

    def test_history_is_tikettis_shape(self):
        log = self.git("log", "--reverse", "--format=%an|%ad|%s", "--date=unix").splitlines()
        self.assertEqual(len(log), self.meta["commits"])
        self.assertTrue(log[0].split("|")[2].startswith("init: "))
        self.assertTrue(log[1].split("|")[2].startswith("config: "))
        kinds = {line.split("|")[2].split(":")[0] for line in log}
        for kind in ("new", "ingest", "reply", "note", "status", "solve", "close"):
            self.assertIn(kind, kinds)
        times = [int(line.split("|")[1]) for line in log]
        self.assertEqual(times, sorted(times), "commits are in time order")
        self.assertGreater(times[-1] - times[1], 700 * 86400, "history spans two years")
        self.assertEqual(self.git("status", "--porcelain"), "", "work tree is checked out")
        with open(os.path.join(self.dir, ".gitattributes")) as f:
            attrs = f.read()
        self.assertIn("merge=tiketti", attrs)

    def test_every_ticket_has_one_to_ten_events(self):
        counts = []
        for shard in os.listdir(os.path.join(self.dir, "tickets")):
            for tid in os.listdir(os.path.join(self.dir, "tickets", shard)):
                ev = os.path.join(self.dir, "tickets", shard, tid, "events")
                counts.append(len(os.listdir(ev)))
        self.assertEqual(len(counts), N)
        self.assertTrue(all(1 <= c <= 10 for c in counts))
        self.assertTrue(4 <= sum(counts) / N <= 6, sum(counts) / N)

    def test_show_note_and_ingest_work_on_it(self):
        tid = self.meta["sample"]["show"]
        self.assertEqual(self.tk("show", tid).returncode, 0)
        r = self.tk("note", tid, "-m", "test note")
        self.assertEqual(r.returncode, 0, r.stderr)
        rt = self.meta["sample"]["reply_to"]
        mail = ("From: %s\nTo: support@example.com\nSubject: Re: thanks\n"
                "Message-ID: <test-reply@example.net>\nIn-Reply-To: <%s>\n\nThanks.\n"
                % (rt["from"], rt["message_id"]))
        r = subprocess.run([TK, "ingest"], input=mail, cwd=self.dir, env=self.env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        log = self.git("log", "-1", "--format=%s")
        self.assertIn(rt["id"], log)
        self.git("reset", "-q", "--hard", self.meta["head"])

    def test_same_input_same_repository(self):
        other = os.path.join(self.tmp.name, "again")
        subprocess.run([os.path.join(HERE, "generate"), "50", other, "-q"], env=self.env,
                       check=True)
        third = os.path.join(self.tmp.name, "third")
        subprocess.run([os.path.join(HERE, "generate"), "50", third, "-q"], env=self.env,
                       check=True)
        head = lambda d: subprocess.run(["git", "-C", d, "rev-parse", "HEAD"],  # noqa: E731
                                        capture_output=True, text=True).stdout
        self.assertEqual(head(other), head(third))

    def test_vendored_corpus_matches_the_peers(self):
        peers = os.environ.get("PEERS_HOME") or os.path.join(ROOT, "..", "shared",
                                                             "bench-peers")
        original = os.path.join(peers, "corpus.py")
        if not os.path.exists(original):
            self.skipTest("no %s" % original)
        with open(original) as f:
            theirs = f.read()
        with open(os.path.join(HERE, "corpus.py")) as f:
            mine = f.read()
        self.assertTrue(mine.endswith(theirs), "bench/corpus.py differs from %s" % original)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    sys.exit(1 if failed else 0)
