#!/usr/bin/env bash
# Kept for its name: the e2e fixtures and matcher types on Vitest 5 under Node 22. See run-matrix.sh.
exec bash "$(dirname "$0")/run-matrix.sh" vitest 5 22
