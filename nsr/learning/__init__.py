"""The deduction-abduction learning loop (``loop``), its steps (``steps``), image warm starts
(``images``), learning curves (``plot``) and the shipped pretrained checkpoints (``pretrained/``).

The model it trains lives in :mod:`nsr.model`, program search in :mod:`nsr.induction` and the
revision of wrong trees in :mod:`nsr.abduction`. Import submodules explicitly
(``nsr.learning.loop``): they pull in torch.
"""
