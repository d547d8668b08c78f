# Long accuracy runs (ctest label "long"): the same substitutions as e2e.
import os

here = os.path.dirname(__file__)
lit_config.load_config(config, os.path.join(here, "..", "e2e", "lit.cfg.py"))
config.name = "nnc-long"
config.test_source_root = here
config.test_exec_root = config.test_exec_root.replace("e2e-output", "long-output")

