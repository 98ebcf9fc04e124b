"""verl: score completions with nsr.reward.verl, as verl's reward loop calls it.

verl (0.9) config: the file path, the function name, and any options as reward_kwargs::

    reward.reward_manager.name=naive
    reward.custom_reward_function.path=$(python -c "import nsr.reward.verl as m; print(m.__file__)")
    reward.custom_reward_function.name=compute_score_async
    +reward.custom_reward_function.reward_kwargs.time_limit=2.0
    +reward.custom_reward_function.reward_kwargs.partial=true

verl calls the function once per sample (keywords data_source, solution_str, ground_truth,
extra_info, plus the reward_kwargs) and awaits it when it is ``async def``; the many samples
in flight share one verifier pool. Run: python examples/verl_reward.py
"""

from __future__ import annotations

import asyncio

from _records import first_record, wrong_list

from nsr.reward import close_shared, configure
from nsr.reward.verl import compute_score, compute_score_async


async def score_rows(rows: list[tuple[str, str, dict]]) -> list[dict]:
    """Every row at once, as verl's reward loop does with an async compute_score."""
    return await asyncio.gather(*[
        compute_score_async(data_source="nsr", solution_str=text, ground_truth=truth,
                            extra_info=info)
        for text, truth, info in rows
    ])


def main() -> None:
    configure(workers=2, time_limit=2.0)
    record = first_record("lists")
    # A `nsr proto export --format verl` row keeps the stored answer as ground_truth and the
    # prototype in extra_info; a record (dict or JSON text) as ground_truth works as well.
    info = {"kind": record["kind"], "task": record["task"], "id": record["id"],
            "prototype": record["prototype"]}
    good = f"Let me apply the steps.\n<answer>{record['answer']}</answer>"
    bad = f"<answer>{wrong_list(record['answer'])}</answer>"
    print("single:", compute_score("nsr/lists", good, record["answer"], info))
    plan = first_record("blocksworld", "plan_generation")
    rows = [(good, record["answer"], info), (bad, record["answer"], info),
            (f"```pddl\n{plan['answer']}\n```", plan, {})]
    for result in asyncio.run(score_rows(rows)):
        print("async: ", result)
    # reward_kwargs: partial credit for a wrong answer that ran
    print("partial:", compute_score("nsr/lists", bad, record["answer"], info, partial=True))
    close_shared()


if __name__ == "__main__":
    main()
