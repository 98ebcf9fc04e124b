"""TRL GRPOTrainer: score completions with nsr.reward.trl.prototype_reward, as TRL calls it.

With TRL installed::

    GRPOTrainer(model=..., reward_funcs=[prototype_reward], train_dataset=records_dataset, ...)

where the dataset has a ``prompt`` column and the record (column ``record``, or the record's
own columns ``kind``/``task``/``prototype``/``answer``, as ``nsr proto export`` writes them in
jsonl and hf). TRL's command line: ``trl grpo ... --reward_funcs
nsr.reward.trl.prototype_reward`` (options from ``NSR_REWARD_<OPTION>`` variables). TRL also
passes ``log_extra`` / ``log_metric``: the verdict reasons and timings go there (printed below
by stand-ins). Run: python examples/trl_reward.py
"""

from __future__ import annotations

import asyncio

from _records import first_record, wrong_list

from nsr.reward import close_shared, configure
from nsr.reward.trl import async_prototype_reward, prototype_reward


def main() -> None:
    configure(workers=2, time_limit=2.0)
    record = first_record("zebra")
    prompts = [[{"role": "user", "content": record["prompt"]}]] * 3
    completions = [  # conversational completions: a list of messages each
        [{"role": "assistant", "content": f"<answer>{record['answer']}</answer>"}],
        [{"role": "assistant", "content": f"<answer>{wrong_list(record['answer'])}</answer>"}],
        [{"role": "assistant", "content": "42"}],
    ]
    # TRL passes every other dataset column as a keyword list (one entry per completion);
    # the third row is a math row (no record): this reward returns None for it.
    columns = {"record": [record, record, None], "completion_ids": [[1], [2], [3]],
               "log_extra": lambda name, values: print(f"  log_extra {name}: {values}"),
               "log_metric": lambda name, value: print(f"  log_metric {name}: {value:.3g}")}
    print("sync: ", prototype_reward(prompts, completions, **columns))
    print("async:", asyncio.run(async_prototype_reward(prompts, completions, **columns)))
    close_shared()


if __name__ == "__main__":
    main()
