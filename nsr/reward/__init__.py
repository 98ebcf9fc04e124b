"""RL rewards from verified prototypes: adapters for verl, TRL, OpenRLHF and reasoning-gym, an
HTTP reward server, and Ray scale-out.

Every adapter takes the prototype records of :mod:`nsr.prototypes` as ground truth (JSON text
or dict), pulls the answer out of the model's completion, checks it by RUNNING it (SWI-Prolog
for Prolog prototypes, the plan validator for PDDL ones) in the isolated workers of
:mod:`nsr.verify`, and turns the verdict into the framework's reward type::

    nsr.reward.verl.compute_score_async  verl (reward.custom_reward_function path + name;
                                         compute_score is the synchronous form)
    nsr.reward.trl.prototype_reward      TRL GRPOTrainer and ``trl grpo --reward_funcs`` (also
                                         async_prototype_reward, prototype_program_reward)
    nsr.reward.openrlhf.reward_func      OpenRLHF (Python form; HTTP form: ``nsr serve``)
    nsr.reward.gym.score_answer          reasoning-gym style scoring of one entry
    nsr.reward.gym_datasets              registers reasoning-gym datasets nsr_<family>
    nsr.reward.ray.RayChecker            a Ray actor pool with a Verifier's check_many
    nsr.reward.server.create_app         the ASGI reward server behind ``nsr serve``

Two modes: ``"answer"`` (the completion holds the answer: a term or plan steps) and
``"program"`` (ProtoReasoning's conversion task: the completion holds a Prolog program that,
run with the record's query, must derive the record's answer).

All adapters share one process-wide verifier per option set (:mod:`nsr.reward.scoring`),
started on first use and closed at exit, with concurrent callers' items joining its pool's
one queue (:mod:`nsr.reward.dispatch`); importing this package starts nothing and imports no
framework. Every export layout is read by one ground-truth reader
(:func:`nsr.verify.targets.parse_ground_truth`), and chat-template end tokens are cut from
completions before the answer is extracted.
"""

from nsr.reward.scoring import (
    close_shared,
    completion_text,
    configure,
    score_batch,
    score_one,
    shared_verifier,
)
from nsr.verify.targets import (
    GroundTruthError,
    NotApplicable,
    Target,
    build_item,
    parse_ground_truth,
)

__all__ = [
    "GroundTruthError",
    "NotApplicable",
    "Target",
    "build_item",
    "close_shared",
    "completion_text",
    "configure",
    "parse_ground_truth",
    "score_batch",
    "score_one",
    "shared_verifier",
]
