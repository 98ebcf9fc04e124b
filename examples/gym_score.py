"""reasoning-gym style: score_answer(answer, entry) -> float in [0, 1]; with reasoning-gym
installed, also the registered ``nsr_<family>`` datasets (``import nsr.reward.gym_datasets``).

Run: python examples/gym_score.py
"""

from __future__ import annotations

from _records import first_record, wrong_list

from nsr.reward import close_shared, configure
from nsr.reward.gym import entry_from_record, score_answer


def main() -> None:
    configure(workers=1, time_limit=2.0)
    entry = entry_from_record(first_record("lists"))
    print("question:", entry["question"].splitlines()[0])
    print("right:", score_answer(entry["answer"], entry))
    print("wrong:", score_answer(wrong_list(entry["answer"]), entry))
    print("none: ", score_answer(None, entry))
    plan = entry_from_record(first_record("gripper", "plan_reordering"))
    print("plan: ", score_answer(plan["answer"], plan))
    try:
        import reasoning_gym
    except ImportError:
        print("reasoning-gym is not installed: skipping the registered datasets")
    else:
        import nsr.reward.gym_datasets  # noqa: F401  (registers nsr_<family>)

        data = reasoning_gym.create_dataset("nsr_kinship", size=3, seed=0, levels="1")
        print("nsr_kinship:", [data.score_answer(e["answer"], e) for e in data])
    close_shared()


if __name__ == "__main__":
    main()
