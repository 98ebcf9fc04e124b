"""OpenRLHF: the Python reward function and the HTTP protocol (POST /get_reward).

Data: ``nsr proto export FILE --format openrlhf`` (``--data.input_key prompt
--data.label_key record``). Python form: ``--reward.remote_url <path of
nsr/reward/openrlhf.py>`` (OpenRLHF imports ``reward_func``). HTTP form: ``nsr serve --port
8000`` and ``--reward.remote_url http://127.0.0.1:8000/get_reward``; this script starts the
server on a free local port, posts what OpenRLHF posts (the query decoded with the chat
template's special tokens kept), shows the 400 a wrong label key gets, and stops the server.
Run: python examples/openrlhf_reward.py
"""

from __future__ import annotations

import json

import httpx
from _records import first_record, wrong_list

from nsr.reward import close_shared, configure
from nsr.reward.openrlhf import reward_func
from nsr.reward.server import RewardServer, create_app
from nsr.verify import Verifier


def main() -> None:
    configure(workers=2, time_limit=2.0)
    record = first_record("lists")
    prompt = f"<|im_start|>user\n{record['prompt']}<|im_end|>\n<|im_start|>assistant\n"
    queries = [
        prompt + f"{record['answer']}<|im_end|>",  # a bare answer, end token kept
        prompt + f"<answer>{wrong_list(record['answer'])}</answer><|im_end|>",
    ]
    labels = [json.dumps(record)] * 2  # the dataset's --label_key column
    print("python:", reward_func(queries, [prompt, prompt], labels))
    close_shared()

    verifier = Verifier(workers=2, time_limit=2.0).start()
    server = RewardServer(create_app(verifier, on_shutdown=verifier.close)).start()
    try:
        body = {"query": queries, "prompts": [prompt, prompt], "labels": labels}
        reply = httpx.post(f"{server.url}/get_reward", json=body, timeout=30).json()
        print("http:  ", {k: reply[k] for k in ("rewards", "scores")})
        no_labels = httpx.post(f"{server.url}/get_reward", json={"query": queries}, timeout=30)
        print("no labels:", no_labels.status_code, no_labels.json()["error"])
    finally:
        print("stopped cleanly:", server.stop())


if __name__ == "__main__":
    main()
