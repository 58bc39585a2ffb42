#!/usr/bin/env bash
# The long-run benchmark (core/src/test/java/dev/minibatch/bench/LongRunBenchmark.java): 50 epochs of the
# lesson's experiment in one JVM, with logs, plots and checkpoints, printing the heap after a full GC and
# the live threads after each epoch. Arguments: [EPOCHS [WORKERS [OUT_DIR]]]; JAVA_OPTS go to the JVM.
#   bench/long-run.sh                 # 50 epochs, no data workers
#   bench/long-run.sh 50 2            # with two data worker threads
# MNIST is read from $MINIBATCH_DATA/mnist (e.g. MINIBATCH_DATA=../shared/data), or downloaded once.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile -pl core
cp_file=core/target/test-classpath.txt
if [ ! -f "$cp_file" ] || [ core/pom.xml -nt "$cp_file" ]; then
    mvn -q -B dependency:build-classpath -pl core -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
fi
exec java --add-modules jdk.incubator.vector -Xmx1g -XX:-UseLoopPredicate ${JAVA_OPTS:-} \
    -cp "core/target/test-classes:core/target/classes:$(cat "$cp_file")" dev.minibatch.bench.LongRunBenchmark "$@"
