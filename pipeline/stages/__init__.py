"""One thin module per DVC stage. Each exposes `run(params, out_dir, corpus_dir)` and `main()`.

`STAGES` lists them in pipeline order; `testimony run` and `dvc repro` execute the same
functions.
"""

STAGES = ["redact", "code", "topics", "compare", "figures", "report", "evaluate"]
