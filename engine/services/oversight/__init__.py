"""Chase (催办) and supervision (督办), one package for the whole job:

- `record`: store one chase or supervision notice (every path goes through it);
- `texts`: the texts of the automatic notices;
- `automatic`: a chase or supervision timer that went off, and the automatic chase policy;
- `notices`: chasing by hand and the notices people read;
- `supervision`: the supervision rules (thresholds in engine/domain/supervision.py) and the supervision list.
"""
