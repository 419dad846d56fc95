#!/usr/bin/env bash
# Runs the e2e fixtures and the matcher type tests on one framework version under one Node version, in a
# scratch folder installed as a user would: Node from the npm package `node@N`, the framework, and the
# packed perfspec tarball. Run after `npm run build`; .ci/run calls it for each cell of its matrix.
#
#   test/e2e/run-matrix.sh vitest 3.2 20     # Vitest ~3.2 on Node 20
#   test/e2e/run-matrix.sh vitest 5 24
#   test/e2e/run-matrix.sh jest 29 20
set -euo pipefail
framework="${1:?usage: run-matrix.sh vitest|jest VERSION NODE_MAJOR}"
version="${2:?framework version, e.g. 3.2, 4, 5, 29, 30}"
node_major="${3:?Node major, e.g. 20, 22, 24}"
cd "$(dirname "$0")/../.."
repo="$PWD"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/perfspec-$framework$version-node$node_major.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# `3.2` means the newest 3.2.x; a bare major the newest of that major.
case "$version" in *.*) range="~$version.0" ;; *) range="^$version" ;; esac
case "$framework" in
  vitest) packages=("vitest@$range") ;;
  jest) packages=("jest@$range" "@types/jest@$range" "@jest/globals@$range") ;;
  *) echo "unknown framework: $framework (vitest or jest)" >&2; exit 2 ;;
esac

npm pack --ignore-scripts --silent --pack-destination "$scratch" >/dev/null
# npm 11 runs a dependency's install script only when allowed; node@N's fetches the Node binary.
cat >"$scratch/package.json" <<JSON
{ "name": "perfspec-matrix-check", "private": true, "type": "module", "allowScripts": { "node": true } }
JSON
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error \
  "node@$node_major" "@types/node@$node_major" "${packages[@]}" ./perfspec-*.tgz)
export PATH="$scratch/node_modules/.bin:$PATH"
installed="$(node -p "require('$scratch/node_modules/$framework/package.json').version")"
echo "node $(node --version), $framework $installed"

if [ "$framework" = vitest ]; then
  echo "-- matcher types on Vitest $installed"
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
  echo "-- e2e fixtures on Vitest $installed"
  # The fixtures of Vitest (and the CLI's, which run under this Node); Jest's run in the jest cells.
  # compare.test.ts runs its fixture repos on the checkout's own Vitest and Jest, whatever the cell: npm test
  # runs it once.
  PERFSPEC_E2E_VITEST_HOME="$scratch" PERFSPEC_E2E_VITEST_MAJOR="${installed%%.*}" \
    node node_modules/vitest/vitest.mjs run test/e2e --exclude 'test/e2e/jest*' --exclude 'test/e2e/compare.test.ts'
else
  echo "-- e2e fixtures and types on Jest $installed"
  PERFSPEC_E2E_JEST_HOME="$scratch" PERFSPEC_E2E_JEST_MAJOR="${installed%%.*}" \
    node node_modules/vitest/vitest.mjs run test/e2e/jest.test.ts test/e2e/jest-types.test.ts
fi
