#!/usr/bin/env bash
# Replay a nianbao WACZ (or WARCs) with pywb, in its own virtualenv (its pins clash with
# Scrapy's). Usage: scripts/replay.sh FILE.wacz [PORT]   (docs/warc.md)
set -euo pipefail
file=$(realpath "$1"); port=${2:-8080}
venv=${PYWB_VENV:-$HOME/.local/pywb}
dir=${PYWB_DIR:-$HOME/nianbao-replay}
[ -x "$venv/bin/wayback" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install pywb; }
mkdir -p "$dir" && cd "$dir"
[ -d collections/nianbao ] || "$venv/bin/wb-manager" init nianbao
"$venv/bin/wb-manager" add --unpack-wacz nianbao "$file"
exec "$venv/bin/wayback" --port "$port"
