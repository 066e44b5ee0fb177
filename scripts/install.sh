#!/usr/bin/env bash
# Installs everything nianbao needs on a Debian machine (as root): Debian's Chromium for
# Playwright (never a downloaded browser), LibreOffice for DOC/WPS, poppler for the
# benchmarks' pdftotext baseline, a CJK font for rendering test documents, then the
# Python package with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium fonts-wqy-microhei poppler-utils libreoffice-writer-nogui wget redis-server)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "apt: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
echo "installed: $(command -v nianbao || echo 'nianbao (not on PATH: use python3 -m crawler.cli)')"
