#!/usr/bin/env bash
# Runs the e2e fixture projects and the matcher type tests against Vitest 5 under Node 22 (Vitest 5 needs
# Node >= 22.12; this machine's node is 20). Everything goes into a scratch folder, as a user would install
# it: Node 22 from the npm package `node@22`, Vitest 5, and the packed perfspec tarball. Run after
# `npm run build`; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/perfspec-vitest5.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

npm pack --silent --pack-destination "$scratch" >/dev/null
# npm 11 runs a dependency's install script only when allowed; node@22's fetches the Node binary.
cat >"$scratch/package.json" <<'JSON'
{ "name": "perfspec-vitest5-check", "private": true, "type": "module", "allowScripts": { "node": true } }
JSON
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error node@22 vitest@^5 @types/node@22 ./perfspec-*.tgz)
export PATH="$scratch/node_modules/.bin:$PATH"
vitest_version="$(node -p "require('$scratch/node_modules/vitest/package.json').version")"
echo "node $(node --version), vitest $vitest_version"

echo "-- matcher types on Vitest $vitest_version"
mkdir -p "$scratch/types"
cp test/types/*.test-d.ts "$scratch/types/"
cat >"$scratch/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["types"]
}
JSON
node "$repo/node_modules/typescript/bin/tsc" -p "$scratch/tsconfig.json"
echo "type tests passed"

echo "-- e2e fixtures on Vitest $vitest_version"
PERFSPEC_E2E_VITEST_HOME="$scratch" PERFSPEC_E2E_VITEST_MAJOR="${vitest_version%%.*}" \
  node node_modules/vitest/vitest.mjs run test/e2e
