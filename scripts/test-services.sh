#!/usr/bin/env bash
# Installs what the test suite drives for real, when missing and when we may:
# Debian's chromium + chromium-driver (browser test) and postgresql (store tests on PostgreSQL).
# Tests that need them skip with a printed reason when they are still missing.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-services: missing ${need[*]} and cannot install them here (not root or no apt-get); the tests that need them will skip." >&2
  exit 0
fi
echo "test-services: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "test-services: could not install ${need[*]}; the tests that need them will skip." >&2
exit 0
