# Sourced by scripts/postgres.sh and scripts/chromium.sh.
# install_debian_package PACKAGE: installs a Debian package the tests need, as root, saying so on standard error.

install_debian_package() {
  echo "$1 is missing: installing Debian's $1 package" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "cannot install $1 without root: run 'apt-get install -y $1' first" >&2
    return 1
  fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null) || {
    echo "apt-get install $1 failed" >&2
    return 1
  }
}
