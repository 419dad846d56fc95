#!/usr/bin/env bash
# Runs the Jest e2e fixtures and the Jest matcher type tests against Jest 29 (the repo's own Jest is 30).
# Everything goes into a scratch folder, as a user would install it: jest@29, @types/jest@29,
# @jest/globals@29 and the packed perfspec tarball. Run after `npm run build`; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="$(mktemp -d "${TMPDIR:-/tmp}/perfspec-jest29.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

npm pack --silent --pack-destination "$scratch" >/dev/null
echo '{ "name": "perfspec-jest29-check", "private": true }' >"$scratch/package.json"
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error \
  jest@29 @types/jest@29 @jest/globals@29 @types/node@20 ./perfspec-*.tgz)
jest_version="$(node -p "require('$scratch/node_modules/jest/package.json').version")"
echo "node $(node --version), jest $jest_version"

PERFSPEC_E2E_JEST_HOME="$scratch" PERFSPEC_E2E_JEST_MAJOR="${jest_version%%.*}" \
  node node_modules/vitest/vitest.mjs run test/e2e/jest.test.ts test/e2e/jest-types.test.ts
