"""GFLOP/s of numpy's matmul (OpenBLAS on Debian) on the shapes of GemmBenchmark, for comparison only.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/numpy_gemm.py [SHAPE ...]

Shapes are MxNxK-LAYOUT as in GemmBenchmark (NT is a @ b.T, TN is a.T @ b, on views, as PyTorch does).
The best of 5 rounds of at least 0.5 s each is printed. Minibatch does not depend on numpy.
"""
import os
import sys
import time

import numpy as np

SHAPES = ["1024x1024x1024-NN", "256x800x784-NT", "800x784x256-TN", "50x50x784-NT", "50x784x50-TN",
          "50x10x50-NT", "10x50x50-TN", "50x50x10-NN"]


def operands(shape, rng):
    dims, layout = shape.split("-")
    m, n, k = (int(d) for d in dims.split("x"))
    a = rng.standard_normal((k, m) if layout == "TN" else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if layout == "NT" else (k, n), dtype=np.float32)
    a = a.T if layout == "TN" else a
    b = b.T if layout == "NT" else b
    return m, n, k, a, b


def gflops(m, n, k, a, b):
    out = np.empty((m, n), dtype=np.float32)
    best = 0.0
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while True:
            np.matmul(a, b, out=out)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.5:
                break
        best = max(best, 2.0 * m * n * k * calls / elapsed / 1e9)
    return best


def main():
    rng = np.random.default_rng(0)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    for shape in sys.argv[1:] or SHAPES:
        m, n, k, a, b = operands(shape, rng)
        print(f"numpy threads={threads} {shape:>18}  {gflops(m, n, k, a, b):7.1f} GFLOP/s", flush=True)


if __name__ == "__main__":
    main()
