#!/bin/bash
# The sample data's outputs (report, tables, published.json, export bundle,
# estimate and trend in every format) are byte-identical to the committed
# ones in tests/snapshot/expected/, made by make_outputs.sh. A deliberate
# change of an output regenerates them:
#   PREVALENCE_BIN=build/cli/prevalence PREVALENCE_SOURCE_DIR=$PWD \
#     tests/harness/with-cluster.sh tests/snapshot/make_outputs.sh tests/snapshot/expected
# Runs under with-cluster.sh.
set -u
here=$PREVALENCE_SOURCE_DIR/tests/snapshot
"$here/make_outputs.sh" "$PREVALENCE_TEST_TMP/out" || { echo "FAIL: make_outputs.sh"; exit 1; }
python3 "$here/compare.py" "$here/expected" "$PREVALENCE_TEST_TMP/out"
