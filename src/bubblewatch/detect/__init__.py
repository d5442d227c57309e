"""Bubble econometrics: explosive-root tests (:mod:`bubblewatch.detect.psy`).

Modules here take arrays, Series and DataFrames and know nothing of the store,
the network or the screen. Compiled kernels sit behind :mod:`._jit`, and each has
a pure-Python twin that runs when the JIT is off.
"""
