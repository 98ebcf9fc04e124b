"""The NSR model and how it runs: perception -> parser -> one program per symbol.

``model`` (:class:`NsrModel`, :class:`Parse`: deduction), ``execute`` (tree execution, shared by
deduction and abduction; no torch), ``checkpoint`` (JSON files), ``prolog_export`` (final trees
run by SWI-Prolog, standalone Prolog files), ``limits`` (why an input got no answer),
``extend`` (a trained model grown by new words), ``phrases`` and ``phrase_state`` (phrase
readings of words, the meaning where programs do not explain the data, and their JSON). Both :mod:`nsr.abduction` and
:mod:`nsr.learning` build on this package; it imports neither.

Import submodules explicitly (``nsr.model.model``): most pull in torch.
"""
