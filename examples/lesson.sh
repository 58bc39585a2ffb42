#!/usr/bin/env bash
# Runs the lesson as a notebook, examples/lesson.jsh, in JShell against the installed library: run
# `mvn install` in the repository's root first. MNIST is read from $MINIBATCH_DATA/mnist, else from
# ~/.cache/minibatch/mnist (downloaded once). -R options go to the JVM that runs the snippets, which needs
# the Vector API module for the fast kernels, as any program using Minibatch does.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec jshell --feedback concise --class-path "$(cat target/classpath.txt)" \
    -R--add-modules=jdk.incubator.vector -R-XX:-UseLoopPredicate -R-Xmx2g lesson.jsh
