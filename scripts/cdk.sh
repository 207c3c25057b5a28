#!/usr/bin/env bash
# Runs the pinned CDK CLI (infra/package-lock.json, installed into the cache)
# from the repository root, where cdk.json is: scripts/cdk.sh deploy -c machineClients=fp-juniper=fp/juniper
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_go
cli=$(npm_tools infra cdk-cli)
export CDK_HOME="$OPENLOT_CACHE/cdk-home" CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true \
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
exec "$cli/node_modules/.bin/cdk" --no-notices "$@"
