"""Graph reachability and shortest paths over a random directed graph.

Difficulty: the number of nodes and the minimum distance between the two nodes a question
names (the number of BFS layers the derivation must expand).
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from nsr.prototypes.families.base import PrologDraft, PrologFamily, Rejected, atom


def _bfs_dist(adj: dict[str, list[str]], s: str) -> dict[str, int]:
    """Layer of every node from ``s``: used only to pick a question of the wanted depth."""
    dist = {s: 0}
    queue = deque([s])
    while queue:
        x = queue.popleft()
        for y in adj[x]:
            if y not in dist:
                dist[y] = dist[x] + 1
                queue.append(y)
    return dist


class Graphs(PrologFamily):
    name = "graphs"
    description = "directed-graph facts; reachable set, shortest distance or all shortest paths"

    def params(self, level: int) -> dict[str, Any]:
        return {"nodes": 4 + 4 * level, "out_degree": 2, "min_distance": level + 1}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        n = params["nodes"]
        nodes = [f"n{i}" for i in range(n)]
        rng.shuffle(nodes)
        adj: dict[str, list[str]] = {v: [] for v in nodes}
        # A spine guarantees long shortest paths exist; random extra edges add branching.
        for a, b in zip(nodes, nodes[1:], strict=False):
            if rng.random() < 0.9:
                adj[a].append(b)
        for v in nodes:
            for _ in range(rng.randint(0, params["out_degree"] - 1)):
                w = rng.choice(nodes)
                if w != v and w not in adj[v]:
                    adj[v].append(w)
        edges = [(a, b) for a in nodes for b in adj[a]]
        if not edges:
            raise Rejected("no edges")
        start = rng.choice(nodes)
        dist = _bfs_dist(adj, start)
        far = [t for t, d in dist.items() if d >= params["min_distance"]]
        kind = rng.choice(("reachable", "distance", "paths"))
        if kind != "reachable" and not far:
            raise Rejected("no node far enough")
        rng.shuffle(edges)
        program = (self.template() + "\n% Facts of this problem.\n"
                   + "\n".join(f"edge({atom(a)}, {atom(b)})." for a, b in edges) + "\n")
        listing = "\n".join(f"There is a one-way road from {a} to {b}." for a, b in edges)
        if kind == "reachable":
            query = f"reachable_set({atom(start)}, Answer)"
            question = (f"Which places can be reached from {start} by following one or more "
                        "roads? Answer with the sorted Prolog list of places.")
            target = None
        else:
            target = rng.choice(far)
            if kind == "distance":
                query = f"distance({atom(start)}, {atom(target)}, Answer)"
                question = (f"What is the smallest number of roads needed to go from {start} "
                            f"to {target}? Answer with an integer.")
            else:
                query = f"shortest_paths({atom(start)}, {atom(target)}, Answer)"
                question = (f"List every shortest route from {start} to {target}, each as the "
                            "list of places visited; answer with the sorted Prolog list of "
                            "routes, e.g. [[a, b], [a, c]].")
        prompt = listing + "\n\nQuestion: " + question
        return PrologDraft(prompt, program, query,
                           {"level": level, **params, "question": kind})
