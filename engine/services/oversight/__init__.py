"""Chase (催办) and supervision (督办), one package for the whole job:

- `record`: store one chase or supervision notice (every path goes through it);
- `texts`: the texts of the automatic notices;
- `automatic`: a chase or supervision timer that went off, and the automatic chase policy;
- `notices`: chasing by hand and the notices people read;
- `knowledge`: the knowledge base of typical cases (业务知识库);
- `alerts`: risk alerts (风险提示) issued from typical cases, and their acknowledgements;
- `supervision`: the supervision rules (thresholds in engine/domain/supervision.py) and the supervision list.
"""
