"""p(tree | symbols): a transition-based dependency parser with a small MLP (torch).

Features are the symbols on top of the stack and the front of the buffer, their programs'
arities, how many children they already have and their outermost children. A symbol's identity
is replaced by an "unknown" embedding when the parser has never seen it inside a longer input:
its syntax is then unknown, and it is parsed like an anonymous symbol of its arity. Training
drops identities at random for the same reason (so that "unknown" is a trained embedding).
That is what lets a primitive seen only alone (SCAN's "jump") be parsed in new contexts.

Training: cross-entropy on the oracle transitions of abduced trees. Decoding: greedy or beam,
both restricted to transitions that respect known arities; ``sample`` draws trees (the
learner's source of tree hypotheses during training).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from nsr.errors import ConfigError
from nsr.syntax.transitions import N_TRANSITIONS, State, legal, oracle
from nsr.syntax.tree import Tree

PAD, UNK = 0, 1
_SYM_SLOTS = 9  # s0 s1 s2 b0 b1, leftmost/rightmost child of s0 and s1
_ARITY_SLOTS = 5
_MAX_ARITY = 6


@dataclass(frozen=True)
class ParserConfig:
    """Model arguments: enough, with the state dict, to rebuild the parser."""

    n_symbols: int
    sym_dim: int = 24
    hidden: int = 128
    word_dropout: float = 0.15
    lr: float = 3e-3
    epochs: int = 6
    batch_size: int = 512
    min_steps: int = 150  # small pseudo-label sets still get enough updates to be fitted
    # No SWAP: only projective trees. When an input's arguments are contiguous spans (prefix
    # or infix expressions), a non-projective tree is never needed, yet one that happens to
    # compute the right output (commuting functions, identities) is an inconsistent training
    # target that the parser then generalizes to unseen neighbours.
    projective: bool = False
    # Few-shot (``nsr train --init``): the first ``frozen_symbols`` symbols are what the model
    # knew, and training moves only the embeddings of the later (new) ones. Why: every weight
    # an old-only input's parse reads (shared layers, old and UNK embeddings) then stays as it
    # was, so whatever the new data teaches, old inputs parse exactly as before; a new word
    # gets the syntax of the old words whose embedding it can take. 0: everything trains.
    frozen_symbols: int = 0

    def __post_init__(self) -> None:
        if self.n_symbols < 1 or self.sym_dim < 1 or self.hidden < 1:
            raise ConfigError("parser sizes must be positive")
        if not 0 <= self.frozen_symbols <= self.n_symbols:
            raise ConfigError("frozen_symbols must be in [0, n_symbols]")
        if not 0.0 <= self.word_dropout < 1.0:
            raise ConfigError("word_dropout must be in [0, 1)")


class _Net(nn.Module):
    def __init__(self, cfg: ParserConfig) -> None:
        super().__init__()
        self.sym = nn.Embedding(cfg.n_symbols + 2, cfg.sym_dim, padding_idx=PAD)
        self.arity = nn.Embedding(_MAX_ARITY + 3, 8)
        self.count = nn.Embedding(8, 4)
        width = _SYM_SLOTS * cfg.sym_dim + _ARITY_SLOTS * 8 + 5 * 4
        self.mlp = nn.Sequential(
            nn.Linear(width, cfg.hidden), nn.ReLU(), nn.Linear(cfg.hidden, N_TRANSITIONS)
        )

    def forward(self, sym: torch.Tensor, ar: torch.Tensor, cnt: torch.Tensor) -> torch.Tensor:
        x = torch.cat(
            [self.sym(sym).flatten(1), self.arity(ar).flatten(1), self.count(cnt).flatten(1)], dim=1
        )
        return self.mlp(x)


def features(
    state: State, sym_ids: Sequence[int], arities: Sequence[int]
) -> tuple[list[int], list[int], list[int]]:
    """Integer features of one configuration (symbol ids already shifted by 2, UNK applied):
    the symbols of the stack's top three and the buffer's first two (``_SYM_SLOTS``, with the
    outermost children of the top two), the arity codes of those five (0 none, 1 unknown
    arity, 2 + the arity up to ``_MAX_ARITY``), and the top two's children counts, the children they still lack
    and whether they are in input order.

    Written flat, without helpers: it runs once per transition of every parse (millions of
    times in a SCAN run), and was a sixth of a run's time as a set of small closures."""
    st, buf, kids = state.stack, state.buffer, state.kids
    depth, left = len(st), len(buf)
    s0 = st[-1] if depth else None
    s1 = st[-2] if depth > 1 else None
    s2 = st[-3] if depth > 2 else None
    b0 = buf[0] if left else None
    b1 = buf[1] if left > 1 else None
    slots = (s0, s1, s2, b0, b1)
    sym = [PAD if p is None else sym_ids[p] for p in slots]
    ar = []
    for p in slots:
        if p is None:
            ar.append(0)
        else:
            a = arities[p]
            ar.append(1 if a < 0 else 2 + min(a, _MAX_ARITY))
    cnt = [7, 7, 7, 7, 2]  # nothing at s0 / s1
    for j, p in enumerate((s0, s1)):
        if p is None:
            sym += (PAD, PAD)
            continue
        k = kids[p]
        sym += (sym_ids[min(k)], sym_ids[max(k)]) if k else (PAD, PAD)
        cnt[j] = min(len(k), 6)
        a = arities[p]
        cnt[2 + j] = 6 if a < 0 else max(0, min(a - len(k), 5))
    if s1 is not None:
        cnt[4] = int(s1 < s0)
    return sym, ar, cnt


class Parser:
    """The parser: a network plus the bookkeeping of which symbols it has seen in context."""

    def __init__(self, cfg: ParserConfig, seed: int = 0) -> None:
        self.cfg = cfg
        torch.manual_seed(seed)
        self.net = _Net(cfg)
        self.in_context = [False] * cfg.n_symbols
        # Oracle feature rows per (symbols, arities, heads): pseudo-labels recur every round.
        self._rows: dict[tuple, list[tuple[list[int], list[int], list[int], int]]] = {}

    # -- state -----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "config": asdict(self.cfg),
            "in_context": list(self.in_context),
            "weights": {k: v.detach().clone() for k, v in self.net.state_dict().items()},
        }

    @classmethod
    def from_state(cls, state: dict) -> Parser:
        parser = cls(ParserConfig(**state["config"]))
        parser.net.load_state_dict(state["weights"])
        parser.in_context = list(state["in_context"])
        return parser

    def _ids(self, symbols: Sequence[int]) -> list[int]:
        return [s + 2 if self.in_context[s] else UNK for s in symbols]

    # -- training --------------------------------------------------------------------------
    def fit(
        self,
        data: Sequence[tuple[Sequence[int], Sequence[int], Tree]],
        seed: int = 0,
        epochs: int | None = None,
    ) -> float:
        """Train on (symbols, arities, tree) triples; returns the final mean loss."""
        rng = random.Random(seed)
        if self.cfg.projective:  # SWAP targets would teach a move decoding never makes
            data = [d for d in data if d[2].is_projective()]
        for symbols, _, tree in data:
            if len(tree) > 1:
                for s in symbols:
                    self.in_context[s] = True
        rows_sym, rows_ar, rows_cnt, ys = [], [], [], []
        for symbols, arities, tree in data:
            if len(tree) < 2:
                continue
            for sym, ar, cnt, t in self._oracle_rows(symbols, arities, tree):
                rows_sym.append(sym)
                rows_ar.append(ar)
                rows_cnt.append(cnt)
                ys.append(t)
        if not ys:
            return 0.0
        sym_t = torch.tensor(rows_sym)
        ar_t, cnt_t, y_t = torch.tensor(rows_ar), torch.tensor(rows_cnt), torch.tensor(ys)
        opt = torch.optim.Adam(self._trainable(), lr=self.cfg.lr)
        gen = torch.Generator().manual_seed(rng.randrange(2**31))
        n = len(ys)
        self.net.train()
        last = 0.0
        per_epoch = math.ceil(n / self.cfg.batch_size)
        for _ in range(max(epochs or self.cfg.epochs, math.ceil(self.cfg.min_steps / per_epoch))):
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            for i in range(0, n, self.cfg.batch_size):
                idx = perm[i : i + self.cfg.batch_size]
                s = sym_t[idx]
                drop = (torch.rand(s.shape, generator=gen) < self.cfg.word_dropout) & (s > UNK)
                s = torch.where(drop, torch.full_like(s, UNK), s)
                loss = nn.functional.cross_entropy(self.net(s, ar_t[idx], cnt_t[idx]), y_t[idx])
                self.net.zero_grad()  # frozen parameters too: none accumulates
                loss.backward()
                self._hold_frozen()
                opt.step()
                total += float(loss.detach()) * len(idx)
            last = total / n
        self.net.eval()
        return last

    def _trainable(self) -> list[nn.Parameter]:
        """The parameters training moves: all, or with ``frozen_symbols`` only the symbol
        table, whose old rows :meth:`_hold_frozen` keeps in place."""
        return [self.net.sym.weight] if self.cfg.frozen_symbols else list(self.net.parameters())

    def _hold_frozen(self) -> None:
        """Zero the gradient of PAD, UNK and the old symbols' rows (``frozen_symbols``):
        Adam moves a row whose gradient was always zero by exactly nothing."""
        if self.cfg.frozen_symbols:
            grad = self.net.sym.weight.grad
            if grad is not None:
                grad[: 2 + self.cfg.frozen_symbols] = 0.0

    def _oracle_rows(self, symbols: Sequence[int], arities: Sequence[int], tree: Tree) -> list:
        key = (tuple(symbols), tuple(arities), tree.heads)
        rows = self._rows.get(key)
        if rows is None:
            ids = [s + 2 for s in symbols]
            rows = [(*features(state, ids, arities), t) for state, t in oracle(tree)]
            if len(self._rows) < 200_000:
                self._rows[key] = rows
        return rows

    # -- decoding --------------------------------------------------------------------------
    def _logp(self, batch: list[tuple[State, list[int], Sequence[int]]]) -> list[list[float]]:
        feats = [features(st, ids, ar) for st, ids, ar in batch]
        with torch.no_grad():
            logits = self.net(
                torch.tensor([f[0] for f in feats]),
                torch.tensor([f[1] for f in feats]),
                torch.tensor([f[2] for f in feats]),
            )
        return torch.log_softmax(logits, dim=1).tolist()

    def parse_greedy(
        self, items: Sequence[tuple[Sequence[int], Sequence[int]]]
    ) -> list[Tree | None]:
        """Greedy trees for many (symbols, arities) at once (one network call per step)."""
        states = [State.initial(len(s)) for s, _ in items]
        ids = [self._ids(s) for s, _ in items]
        out: list[Tree | None] = [None] * len(items)
        active = []
        for i, st in enumerate(states):
            if st.terminal:
                out[i] = st.tree()
            else:
                active.append(i)
        while active:
            logps = self._logp([(states[i], ids[i], items[i][1]) for i in active])
            still = []
            for i, lp in zip(active, logps, strict=True):
                ok = legal(states[i], items[i][1], not self.cfg.projective)
                if not any(ok):
                    continue
                t = max((k for k in range(N_TRANSITIONS) if ok[k]), key=lambda k: lp[k])
                states[i].apply(t)
                if states[i].terminal:
                    out[i] = states[i].tree()
                else:
                    still.append(i)
            active = still
        return out

    def parse_beam(
        self, symbols: Sequence[int], arities: Sequence[int], width: int = 8
    ) -> list[tuple[Tree, float]]:
        """Up to ``width`` complete trees with their log-probabilities, best first."""
        ids = self._ids(symbols)
        beam: list[tuple[float, State]] = [(0.0, State.initial(len(symbols)))]
        done: list[tuple[float, Tree]] = []
        if beam[0][1].terminal:
            return [(beam[0][1].tree(), 0.0)]
        while beam:
            logps = self._logp([(st, ids, arities) for _, st in beam])
            cands: list[tuple[float, State, int]] = []
            for (score, st), lp in zip(beam, logps, strict=True):
                ok = legal(st, arities, not self.cfg.projective)
                cands.extend((score + lp[k], st, k) for k in range(N_TRANSITIONS) if ok[k])
            cands.sort(key=lambda c: -c[0])
            beam = []
            for score, st, k in cands[: width * 2]:
                nxt = st.copy()
                nxt.apply(k)
                if nxt.terminal:
                    done.append((score, nxt.tree()))
                elif len(beam) < width:
                    beam.append((score, nxt))
            if len(done) >= width and (
                not beam or max(s for s, _ in beam) < sorted(s for s, _ in done)[-width]
            ):
                break
        done.sort(key=lambda d: -d[0])
        seen, out = set(), []
        for score, tree in done:
            if tree.heads not in seen:
                seen.add(tree.heads)
                out.append((tree, score))
        return out[:width]

    def sample(
        self,
        symbols: Sequence[int],
        arities: Sequence[int],
        rng: random.Random,
        temperature: float = 1.0,
    ) -> Tree | None:
        """One tree drawn transition by transition from the parser's distribution."""
        ids = self._ids(symbols)
        st = State.initial(len(symbols))
        while not st.terminal:
            ok = legal(st, arities, not self.cfg.projective)
            if not any(ok):
                return None
            lp = self._logp([(st, ids, arities)])[0]
            weights = [
                math.exp(lp[k] / temperature) if ok[k] else 0.0 for k in range(N_TRANSITIONS)
            ]
            st.apply(rng.choices(range(N_TRANSITIONS), weights=weights)[0])
        return st.tree()

    def score(self, symbols: Sequence[int], arities: Sequence[int], tree: Tree) -> float:
        """log p(tree | symbols) under the oracle derivation."""
        ids = self._ids(symbols)
        pairs = oracle(tree)
        if not pairs:
            return 0.0
        logps = self._logp([(st, ids, arities) for st, _ in pairs])
        return sum(lp[t] for (_, t), lp in zip(pairs, logps, strict=True))
