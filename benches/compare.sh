#!/usr/bin/env bash
# Side-by-side benchmark of normlife against Mesa, NumPy and krABMaga on the Bass and
# Watts models (issue 7). Builds everything, validates every implementation against
# normlife's mean adoption curve, then times them alternately and prints one table.
#
#   benches/compare.sh [--sizes 1000,10000,100000,1000000] [--rounds 3] [--all] [--no-validate]
#
# Needs python3 (venv), cargo and network access for the first run (PyPI, crates.io).
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=benches/peers
if [ ! -x "$PEERS/.venv/bin/python" ]; then
  python3 -m venv "$PEERS/.venv"
fi
"$PEERS/.venv/bin/pip" install -q -r "$PEERS/requirements.txt"
cargo build --release --example peer_normlife
# krABMaga: a separate cargo project (its own workspace), not a dependency of normlife.
if ! cargo build --release --manifest-path "$PEERS/krabmaga/Cargo.toml"; then
  echo "krABMaga peer did not build; comparing without it" >&2
fi
exec "$PEERS/.venv/bin/python" "$PEERS/compare.py" "$@"
