"""The ballot tree that makes Meek counting fast.

In a Meek iteration a ballot passes through excluded candidates, leaves part of its
weight with each elected candidate it meets, and stops at the first hopeful one.
Ballots that agree on that path get exactly the same arithmetic, so they are merged
into a tree: a node per distinct path prefix, carrying how many ballots pass
through it. The tree only grows at its leaves (when a hopeful candidate is elected
or excluded, the ballots stopping there move on), so it is kept across rounds.

Nodes of elected candidates are stored in chunks: nodes at the same depth for the
same candidate, created together. A chunk holds its nodes' parent positions and
ballot counts as plain lists, and each node keeps a fixed position among the nodes
of its depth, so an iteration computes a whole chunk with a few list operations
(one keep factor per chunk) and appends its results to that depth's weights. The
arithmetic is exactly that of a ballot-by-ballot count.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import repeat
from operator import mul, sub
from typing import Any

from congress.core.tally.stvbase import ELECTED, EXCLUDED, HOPEFUL

# chunk: [candidate, parent positions, counts, nodes]; leaf list: [positions, counts, nodes]
Chunk = list[Any]
LeafList = list[Any]


class BallotTree:
    """Merged ballot paths up to each ballot's first hopeful candidate."""

    def __init__(
        self, rankings: Sequence[tuple[int, ...]], weights: Sequence[int], state: list[int]
    ) -> None:
        self.rank = rankings
        self.weight = weights
        self.state = state
        self.cand = [-1]
        self.parent = [-1]
        self.depth = [0]
        self.count = [0]
        self.kids: dict[int, int] = {}
        self.slot = [0]
        self.where: list[list[Any] | None] = [[]]
        self.loc = [0]
        self.chunks: list[list[Chunk]] = [[]]
        self.size: list[int] = [1]
        self.leaves: list[dict[int, LeafList]] = [{} for _ in state]
        self.waiting: list[list[int]] = [[] for _ in state]
        self.node_of = [0] * len(rankings)
        self.pos = [0] * len(rankings)
        self.fresh: list[int] = []
        self.width = len(state) + 1
        for g in range(len(rankings)):
            self._extend(g, 0, 0)
        self._settle()

    def _extend(self, g: int, base: int, start: int) -> None:
        """Walk ballot group `g` from rank `start` below node `base` to its first hopeful."""
        r, w, state, count = self.rank[g], self.weight[g], self.state, self.count
        kids, where, slot, width = self.kids, self.where, self.slot, self.width
        p, end = start, len(r)
        while p < end:
            c = r[p]
            s = state[c]
            if s == EXCLUDED:
                p += 1
                continue
            key = base * width + c
            node = kids.get(key)
            if node is None:  # a new path: its place is settled after the move
                node = len(count)
                kids[key] = node
                self.cand.append(c)
                self.parent.append(base)
                self.depth.append(self.depth[base] + 1)
                count.append(w)
                slot.append(0)
                where.append(None)
                self.loc.append(0)
                self.fresh.append(node)
            else:
                count[node] += w
                home = where[node]
                if home is not None:
                    home[-2][slot[node]] += w
            base = node
            if s == HOPEFUL:
                self.waiting[c].append(g)
                break
            p += 1
        self.pos[g] = p
        self.node_of[g] = base

    def _settle(self) -> None:
        """Give new nodes their places: inner nodes in new chunks, then leaves."""
        fresh, self.fresh = self.fresh, []
        inner: dict[tuple[int, int], list[int]] = {}
        leaves = []
        state, cand, depth = self.state, self.cand, self.depth
        for node in fresh:
            c = cand[node]
            if state[c] == ELECTED:
                key = (depth[node], c)
                group = inner.get(key)
                if group is None:
                    inner[key] = [node]
                else:
                    group.append(node)
            else:
                leaves.append(node)
        loc, parent = self.loc, self.parent
        for (d, c), nodes in sorted(inner.items()):
            self._chunk(d, c, list(map(loc.__getitem__, map(parent.__getitem__, nodes))), nodes)
        for node in leaves:
            c, up = cand[node], parent[node]
            lst = self.leaves[c].setdefault(depth[up], [[], [], []])
            self.where[node], self.slot[node] = lst, len(lst[0])
            lst[0].append(loc[up])
            lst[1].append(self.count[node])
            lst[2].append(node)

    def _chunk(self, d: int, c: int, parents: list[int], nodes: list[int]) -> None:
        """Append a chunk of candidate `c`'s nodes at depth `d`."""
        while len(self.chunks) <= d:
            self.chunks.append([])
            self.size.append(0)
        chunk: Chunk = [c, parents, list(map(self.count.__getitem__, nodes)), nodes]
        self.chunks[d].append(chunk)
        start, k = self.size[d], len(nodes)
        deque(map(self.where.__setitem__, nodes, repeat(chunk, k)), 0)
        deque(map(self.slot.__setitem__, nodes, range(k)), 0)
        deque(map(self.loc.__setitem__, nodes, range(start, start + k)), 0)
        self.size[d] = start + k

    def moved(self, changed: Sequence[int]) -> None:
        """Candidates in `changed` were just elected or excluded: move their ballots on."""
        for x in changed:
            if self.state[x] == ELECTED:
                for up_depth, (parents, _counts, nodes) in sorted(self.leaves[x].items()):
                    self._chunk(up_depth + 1, x, parents, nodes)
            self.leaves[x] = {}
        for x in changed:
            groups, self.waiting[x] = self.waiting[x], []
            excluded = self.state[x] == EXCLUDED
            for g in groups:
                node = self.node_of[g]
                if excluded:
                    self.count[node] -= self.weight[g]
                    node = self.parent[node]
                self._extend(g, node, self.pos[g] + 1)
        self._settle()

    def distribute(self, kf: Sequence[int], scale: int, prf: bool, votes: list[int]) -> None:
        """Add one Meek distribution of all ballots in the tree to `votes`."""
        S, S1 = scale, scale - 1
        level = [S]
        weights = [level]
        for d in range(1, len(self.chunks)):
            get = level.__getitem__
            level = []
            extend = level.extend
            for c, parents, counts, _nodes in self.chunks[d]:
                k = kf[c]
                ws = list(map(get, parents))
                if prf:
                    keeps = [(w * k + S1) // S for w in ws]
                    extend(map(sub, ws, keeps))
                else:
                    rest = S - k
                    keeps = [w * k // S for w in ws]
                    extend([w * rest // S for w in ws])
                votes[c] += sum(map(mul, keeps, counts))
            weights.append(level)
        for c, by_depth in enumerate(self.leaves):
            for d, (parents, counts, _nodes) in by_depth.items():
                votes[c] += sum(map(mul, map(weights[d].__getitem__, parents), counts))
