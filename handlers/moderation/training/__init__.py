"""Training data and training for the detector's learned layer.

python -m handlers.moderation.training.generate   # the seeded corpus of labelled posts
python -m handlers.moderation.training.train      # the NER model the detector ships with
"""
