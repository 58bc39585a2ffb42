#!/usr/bin/env bash
# Runs the JMH benchmarks (core/src/test/java/dev/minibatch/bench) on the test classpath. Arguments go to JMH:
#   bench/jmh.sh GemmBenchmark -p kernels=vector -p threads=2 -p shape=1024x1024x1024-NN
#   bench/jmh.sh ElementwiseBenchmark -rf csv -rff core/target/elementwise.csv
#   bench/jmh.sh -h                                   # JMH's own options
# Each benchmark forks a JVM with --add-modules=jdk.incubator.vector; GEMM and elementwise rates are the
# secondary results "flop" (GFLOP/s) and "bytes" (GB/s). Other programs on the machine skew the numbers:
# check `uptime` first.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile -pl core
cp_file=core/target/test-classpath.txt
if [ ! -f "$cp_file" ] || [ core/pom.xml -nt "$cp_file" ]; then
    mvn -q -B dependency:build-classpath -pl core -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
fi
exec java --add-modules jdk.incubator.vector ${JAVA_OPTS:-} \
    -cp "core/target/test-classes:core/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
