#!/usr/bin/env bash
# SIGKILL a training run at random moments, N times (default 100), resuming each from its newest checkpoint
# and comparing the final parameters bit for bit with an uninterrupted run. The suite runs 10 of these.
# Usage: bench/kill-test.sh [KILLS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-100}"
seed="${2:-2024}"
mvn -q -B test -pl core -Dfuzz.skip=true -Dtest=TrainingKillTest -Dkills="$kills" -Dkills.seed="$seed" \
    -Dsurefire.failIfNoSpecifiedTests=false
grep -h "Tests run" core/target/surefire-reports/dev.minibatch.train.TrainingKillTest.txt
echo "$kills kills (seed $seed): every resumed run reached the uninterrupted run's parameters bit for bit"
