"""Writes the weights file of another model than tiny: dense0.weight of
shape [4, 3] where tiny's is [2, 3]. Usage: other_model_weights.py OUT"""
import sys

import numpy as np

from safetensors_file import write_safetensors

write_safetensors(sys.argv[1], {"dense0.weight": np.ones((4, 3)), "dense0.bias": np.zeros(3)}, {"nnc.model": "other"})
