"""verl: score completions with nsr.reward.verl.compute_score, as verl's reward managers call it.

In verl's config (the file path and the function name are all verl needs)::

    custom_reward_function.path=$(python -c "import nsr.reward.verl as m; print(m.__file__)")
    custom_reward_function.name=compute_score

Run: python examples/verl_reward.py
"""

from __future__ import annotations

import json

from _records import first_record, wrong_list

from nsr.reward import close_shared, configure
from nsr.reward.verl import compute_score


def main() -> None:
    configure(workers=2, time_limit=2.0)
    record = first_record("lists")
    ground_truth = json.dumps(record)  # verl stores reward_model.ground_truth as a string
    good = f"Let me apply the steps.\n<answer>{record['answer']}</answer>"
    bad = f"<answer>{wrong_list(record['answer'])}</answer>"

    # Naive reward manager: one call per sample, positional arguments.
    print("single:", compute_score("nsr/lists", good, ground_truth, {"split": "train"}))
    # Batch reward manager: keyword lists, one call per batch.
    plan = first_record("blocksworld", "plan_generation")
    results = compute_score(
        data_sources=["nsr/lists", "nsr/lists", "nsr/blocksworld"],
        solution_strs=[good, bad, f"```pddl\n{plan['answer']}\n```"],
        ground_truths=[ground_truth, ground_truth, plan],
        extra_infos=[None, None, None],
    )
    for result in results:
        print("batch: ", result)
    close_shared()


if __name__ == "__main__":
    main()
