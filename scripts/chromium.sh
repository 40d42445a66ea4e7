# Sourced by scripts/test (and usable by hand: `source scripts/chromium.sh; ensure_chromium`).
# ensure_chromium: the dashboard's browser tests drive Debian's chromium through its executable path
# (Playwright downloads no browser); installs the chromium package when it is missing.

source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

ensure_chromium() {
  [ -x /usr/bin/chromium ] || install_debian_package chromium
}
