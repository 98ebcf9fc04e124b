"""Project scheduling: tasks with durations and prerequisites; when does it all finish?

Difficulty: the number of tasks and the depth of the prerequisite chains (the longest path the
derivation has to find).
"""

from __future__ import annotations

import random
from typing import Any

from nsr.prototypes.families.base import PrologDraft, PrologFamily, atom


class Scheduling(PrologFamily):
    name = "scheduling"
    description = "tasks with durations and prerequisites; makespan, start/finish times, critical tasks"

    def params(self, level: int) -> dict[str, Any]:
        return {"tasks": (3, 5, 8, 12, 16)[level - 1], "layers": level + 1}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        n, depth = params["tasks"], params["layers"]
        names = [f"t{i}" for i in rng.sample(range(1, 100), n)]
        layer = {t: min(i * depth // n, depth - 1) for i, t in enumerate(names)}
        duration = {t: rng.randint(1, 9) for t in names}
        after: list[tuple[str, str]] = []
        for t in names:
            earlier = [p for p in names if layer[p] == layer[t] - 1]
            if earlier:
                for p in rng.sample(earlier, min(len(earlier), rng.randint(1, 2))):
                    after.append((t, p))
            older = [p for p in names if layer[p] < layer[t] - 1]
            if older and rng.random() < 0.3:
                after.append((t, rng.choice(older)))
        rng.shuffle(after)
        listed = list(names)
        rng.shuffle(listed)
        lines = [f"task({atom(t)}, {duration[t]})." for t in listed]
        lines += [f"after({atom(t)}, {atom(p)})." for t, p in after]
        program = self.template() + "\n% Facts of this problem.\n" + "\n".join(lines) + "\n"
        who = rng.choice(names)
        kind = rng.choice(("makespan", "start", "finish", "critical"))
        if kind == "makespan":
            query, question = "makespan(Answer)", "when does the whole project finish?"
            form = "an integer"
        elif kind == "critical":
            query = "critical_tasks(Answer)"
            question = ("which tasks are critical (delaying any one of them by one time unit "
                        "delays the end of the project)?")
            form = "the sorted Prolog list of task names"
        else:
            query = f"{kind}({atom(who)}, Answer)"
            question = f"at what time does task {who} {'start' if kind == 'start' else 'finish'}?"
            form = "an integer"
        said = [f"Task {t} takes {duration[t]} time units." for t in listed]
        said += [f"Task {t} can only start after task {p} has finished." for t, p in after]
        prompt = ("A project starts at time 0; every task starts as soon as all the tasks it "
                  "waits for have finished.\n" + "\n".join(said)
                  + f"\n\nQuestion: {question} Answer with {form}.")
        return PrologDraft(prompt, program, query, {"level": level, **params, "question": kind})
