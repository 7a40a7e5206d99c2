#!/usr/bin/env bash
# Installs the Debian packages the engine needs, only those that are missing.
# Sourced by the scripts in scripts/; safe to run again and again.
set -euo pipefail

auralis_packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev libcaf-doc librestinio-dev libsimdjson-dev
  libopus-dev libopusfile-dev libogg-dev
  libboost-dev libboost-test-dev libboost-system-dev
  libsndfile1-dev libmpg123-dev libsoxr-dev libebur128-dev libsqlite3-dev
  libspdlog-dev libcli11-dev libfmt-dev libhttp-parser-dev
  espeak-ng lame sox curl
  libncurses-dev tmux
  libcaf-openssl0.17 libssl-dev openssl iproute2
)

# For scripts/test and scripts/fuzz: clang (which compiles the CAF-heavy sanitizer build in
# about half the time g++ takes), its sanitizer runtimes and libFuzzer, and llvm-symbolizer
# (llvm-14) for the stacks of their reports.
auralis_clang_packages=(clang libclang-rt-14-dev llvm-14)

# auralis_install_missing [PACKAGE...]: installs those of the packages (default: the
# engine's, auralis_packages) that are not installed yet.
auralis_install_missing() {
  local wanted=("$@")
  if [ ${#wanted[@]} -eq 0 ]; then wanted=("${auralis_packages[@]}"); fi
  local missing=()
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "auralis: installing missing packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The engine's packages plus clang and its tools (auralis_clang_packages).
auralis_install_clang_tools() {
  auralis_install_missing "${auralis_packages[@]}" "${auralis_clang_packages[@]}"
}

# For the browser tests (tests/browser/): Debian's Chromium, Node.js and the pinned
# playwright-core of tests/browser/package-lock.json from the npm registry. No browser is
# downloaded: the tests drive /usr/bin/chromium.
auralis_install_browser_tools() {
  auralis_install_missing chromium
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    auralis_install_missing nodejs npm
  fi
  # npm ci unless the locked version is installed already.
  if ! (cd tests/browser && node -e "
      const locked = require('./package-lock.json').packages['node_modules/playwright-core'].version;
      process.exit(require('playwright-core/package.json').version === locked ? 0 : 1);
    " 2>/dev/null); then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Points the sanitizers' reports at llvm-symbolizer (file:line in their stacks).
auralis_use_llvm_symbolizer() {
  local s
  for s in llvm-symbolizer llvm-symbolizer-14; do
    if command -v "$s" >/dev/null; then
      export ASAN_SYMBOLIZER_PATH
      ASAN_SYMBOLIZER_PATH=$(command -v "$s")
      return 0
    fi
  done
}
