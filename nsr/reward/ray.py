"""Score batches on a Ray cluster: a pool of actors, each owning its own :class:`Verifier`.

Why actors and not tasks: a verifier's workers are long-lived processes (starting ``swipl``
costs ~40 ms, a check ~0.3 ms), so they must outlive a call; an actor keeps them warm. A batch
is split into one contiguous chunk per actor and the chunks run at once; the verdicts come back
in the batch's order. :class:`RayChecker` has the same ``check_many`` as a Verifier, so the
reward core and ``nsr serve --ray ADDRESS`` use it unchanged.

``ray`` is an optional dependency, imported when a :class:`RayChecker` is created.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nsr.errors import ConfigError, MissingDependency
from nsr.verify import Item, Verdict

ACTOR_CONCURRENCY = 4  # concurrent batches one actor takes (its Verifier is thread-safe)


class _VerifierActor:
    """The actor's body: one Verifier, started when the actor starts."""

    def __init__(self, options: dict[str, Any]) -> None:
        from nsr.verify import Verifier

        self.verifier = Verifier(**options).start()

    def check(self, items: list[Item]) -> list[Verdict]:
        return self.verifier.check_many(items)

    def close(self) -> bool:
        self.verifier.close()
        return True


class RayChecker:
    """``actors`` Ray actors, each running a Verifier with ``verifier_options``.

    ``address``: a cluster address (``"auto"``, ``"ray://host:10001"``) or None for an
    already-initialised Ray (or a new local one). ``cpus_per_actor`` is what each actor asks
    the scheduler for; with ``workers`` verifier workers per actor it should usually match.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        actors: int = 2,
        cpus_per_actor: float = 1.0,
        **verifier_options: Any,
    ) -> None:
        if actors < 1:
            raise ConfigError(f"actors must be >= 1, got {actors!r}")
        try:
            import ray
        except ImportError:
            raise MissingDependency(
                "Ray is not installed: pip install ray (needed for --ray / RayChecker)"
            ) from None
        self._ray = ray
        if not ray.is_initialized():
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        remote = ray.remote(num_cpus=cpus_per_actor, max_concurrency=ACTOR_CONCURRENCY)
        actor_class = remote(_VerifierActor)
        options = {"workers": 1, **verifier_options}
        self._actors = [actor_class.remote(options) for _ in range(actors)]
        self.closed = False

    @property
    def size(self) -> int:
        return len(self._actors)

    def check_many(self, items: Sequence[Item]) -> list[Verdict]:
        """Verdicts for ``items`` in order, the batch split over the actors."""
        if self.closed:
            raise ConfigError("this RayChecker is closed")
        items = list(items)
        if not items:
            return []
        chunks = _split(items, len(self._actors))
        refs = [
            actor.check.remote(chunk)
            for actor, chunk in zip(self._actors, chunks, strict=False)
            if chunk
        ]
        results: list[Verdict] = []
        for part in self._ray.get(refs):
            results.extend(part)
        return results

    def close(self) -> None:
        """Stop every actor's workers, then the actors. Idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            self._ray.get([actor.close.remote() for actor in self._actors], timeout=30)
        finally:
            for actor in self._actors:
                self._ray.kill(actor)

    def __enter__(self) -> RayChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _split(items: list[Item], parts: int) -> list[list[Item]]:
    """``parts`` contiguous chunks whose sizes differ by at most one."""
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks
