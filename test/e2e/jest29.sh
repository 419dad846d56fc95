#!/usr/bin/env bash
# Kept for its name: the Jest e2e fixtures and types on Jest 29 (under Node 20). See run-matrix.sh.
exec bash "$(dirname "$0")/run-matrix.sh" jest 29 20
