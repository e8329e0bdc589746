#!/usr/bin/env bash
# Install the Debian packages POE Ops needs, only those missing, never upgrading what is there.
#   run  — what the quick start needs to render PDFs (Pango, HarfBuzz subsetting, fonts)
#   test — the above plus PostgreSQL, Redis, Chromium, poppler (pdftoppm) and docker-compose
#          (its `config` checks docker-compose.yml without a Docker engine)
set -euo pipefail
# runuser, initdb and friends live in sbin, which a minimal CI PATH may leave out.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
profile=${1:-test}

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "$profile" = test ]; then
  packages+=(postgresql redis-server chromium poppler-utils docker-compose)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
# The server binaries are what matter, whichever package brought them.
if [ "$profile" = test ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} — and no apt-get here; install them by hand." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Run as root, or: sudo apt-get install --no-upgrade ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-upgrade "${missing[@]}"
