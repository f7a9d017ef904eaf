#!/usr/bin/env bash
# Every benchmark, one after the other, with the flags given (e.g. --quick): npm run bench -- --quick
set -e
cd "$(dirname "$0")/.."
for b in host-collection probe-latency sampler-ceiling workflow-cost scale watch; do
  npx tsx "bench/$b.ts" "$@"
  echo
done
