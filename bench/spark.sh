#!/usr/bin/env bash
# Data-parallel training's measured parts and its scaling model (docs/spark.md): the wide model's compute per
# step at 256 samples per worker, the all-reduce of its gradients among 1..N ranks over loopback, and the step
# time of N ranks sharing this machine. Usage: bench/spark.sh [MAX_RANKS] (default 4). Note the load first
# (uptime): other processes on the machine slow every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -B test-compile -pl spark -am >&2
cp="$(mvn -q -o -B dependency:build-classpath -pl spark -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
uptime
java --add-modules jdk.incubator.vector -XX:+UseParallelGC -XX:-UseLoopPredicate \
    -cp "core/target/classes:spark/target/classes:spark/target/test-classes:$cp" \
    dev.minibatch.spark.ScalingBench "${1:-4}" 2>&1 | grep -v '^WARNING: Using incubator modules'
