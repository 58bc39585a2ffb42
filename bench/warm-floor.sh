#!/usr/bin/env bash
# The floor under the whole job: the README's `minibatch train`, RUNS times (default 4) in one JVM with the
# launcher's flags. The first run is a user's cold job; the later ones take what the job would take if the JIT's
# warm-up were free (the data is still read and converted each time). Each run prints its time and, on stderr,
# its breakdown (MINIBATCH_TIMINGS: the "jvm" field is then the time since the JVM started). Extra arguments go
# to `train`.
# Usage: bench/warm-floor.sh [RUNS] [train options...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-4}"
shift || true
export MINIBATCH_DATA="${MINIBATCH_DATA:-$(cd .. && pwd)/shared/data}"
# The source launcher compiles WarmJob.java first, and javac warns that the Vector API module incubates.
MINIBATCH_TIMINGS=1 MINIBATCH_MAIN=bench/WarmJob.java ./minibatch "$runs" "$@" \
    2> >(grep -v -e 'using incubating module' -e '^1 warning$' >&2)
