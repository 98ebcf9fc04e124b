"""The deduction-abduction learning loop, the model it trains and its checkpoints.

Import submodules explicitly (``nsr.learning.loop``): they pull in torch.
"""
