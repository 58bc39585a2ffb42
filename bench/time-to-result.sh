#!/usr/bin/env bash
# The whole job, as a user times it: `./minibatch train` (the README's main job: 5 epochs with validation,
# logs, plots and checkpoints) against PyTorch's torch_fit.py --epochs 5 --batched at 1 and 2 threads, run
# alternately as whole processes, PAIRS times (default 5). Prints each run, then the medians, the ratio to
# PyTorch's best thread count, the median of epochs 2-5 (training and validation: the steady state) and
# Minibatch's breakdown (JVM start, data load, first epoch, later epochs, writes after each epoch, the rest) and
# the first epoch's ratio to the median one.
# The first train after a build, which writes the launcher's class-data archive, is timed apart first.
# Usage: bench/time-to-result.sh [PAIRS] [extra train options...]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-5}"
shift || true
shared="$(cd .. && pwd)/shared"
export MINIBATCH_DATA="$shared/data"
./minibatch --help > /dev/null            # build the jar first: a user's second run does not rebuild
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
# The first train after a build also writes the launcher's class-data archive, which later runs map: time it
# apart, as a user's first run.
rm -f cli/target/minibatch.jsa
t0=$(now)
./minibatch train --out "$work/first" "$@" > /dev/null 2>&1
echo "first run after a build (writes the class-data archive): $(echo "$(now) - $t0" | bc) s"
for i in $(seq 1 "$pairs"); do
    t0=$(now)
    MINIBATCH_TIMINGS=1 ./minibatch train --out "$work/run$i" "$@" > "$work/mb$i.out" 2> "$work/mb$i.err"
    t1=$(now)
    echo "minibatch $(echo "$t1 - $t0" | bc)" >> "$work/wall"
    grep '^timings:' "$work/mb$i.err" >> "$work/timings"
    grep -o '  [0-9.]*s$' "$work/mb$i.out" | tr -d ' s' | tail -n +2 | sort -n | awk '{a[NR]=$1} END {print "mb_epoch", a[int((NR+1)/2)]}' >> "$work/wall"
    for threads in 1 2; do
        t0=$(now)
        /usr/bin/python3 "$shared/bench/torch_fit.py" "$shared/data/mnist" --epochs 5 --batched --threads "$threads" \
            > "$work/torch$threads-$i.out"
        t1=$(now)
        echo "torch$threads $(echo "$t1 - $t0" | bc)" >> "$work/wall"
        # Its epochs 2-5, training and validation, as Minibatch's printed epochs are.
        python3 -c 'import json, statistics, sys
e = [json.loads(l) for l in open(sys.argv[1]) if "\"epoch\"" in l]
print("torch" + sys.argv[2] + "_epoch", statistics.median(r["train_s"] + r["valid_s"] for r in e[1:]))' \
            "$work/torch$threads-$i.out" "$threads" >> "$work/wall"
    done
    grep -h "" "$work/wall" | tail -6 | tr '\n' ' '; echo
done
python3 - "$work/wall" "$work/timings" <<'PY'
import re, statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(key):
    v = [float(r[1]) for r in rows if r[0] == key]
    return st.median(v), min(v), max(v)
for key in ("minibatch", "torch1", "torch2", "mb_epoch", "torch1_epoch", "torch2_epoch"):
    m, lo, hi = med(key)
    print(f"{key:13s} median {m:.3f} s  (range {lo:.3f}-{hi:.3f})")
best = min(med("torch1")[0], med("torch2")[0])
best_epoch = min(med("torch1_epoch")[0], med("torch2_epoch")[0])
print(f"whole job: minibatch / PyTorch's best = {med('minibatch')[0] / best:.2f}")
print(f"steady-state epoch: minibatch / PyTorch's best = {med('mb_epoch')[0] / best_epoch:.2f}")
parts = {}
for line in open(sys.argv[2]):
    for k, v in re.findall(r"([a-z_]+) ([0-9.]+)", line):
        parts.setdefault(k, []).append(float(v))
print("minibatch breakdown (medians, s): " + ", ".join(f"{k} {st.median(v):.3f}" for k, v in parts.items()))
print(f"first epoch / median epoch (training and validation): {st.median(parts['first_epoch']) / med('mb_epoch')[0]:.1f}")
PY
