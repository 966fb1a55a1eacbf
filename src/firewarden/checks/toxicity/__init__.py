"""The project's own offensive/hateful language classifiers (English and Japanese).

``features`` (shared by training and inference), ``model`` (pure-Python inference over the
committed ``*.json.gz`` artifacts), ``lexicon`` (the Japanese prior), ``data`` (readers for the
labelled data sets) and ``train`` (``python -m firewarden.checks.toxicity.train``).
"""
