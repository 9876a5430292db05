#!/usr/bin/env bash
# Installs the Node.js release pinned in .nvmrc from the npm registry (package node-<os>-<arch>,
# which ships the official binary) into a cache folder, without running any install script,
# and prints the folder to put first on PATH:
#   export PATH="$(bash scripts/use-node.sh):$PATH"
# The cache is ${MYHOTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/myhotel}/node/<version>-<os>-<arch>;
# a second call only prints it. npm verifies the tarball against the registry's integrity hash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(tr -d ' \nv' < "$root/.nvmrc")"
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "use-node.sh: no Node.js package for $(uname -s); install Node.js $version yourself (nvm install)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "use-node.sh: no Node.js package for $(uname -m); install Node.js $version yourself (nvm install)" >&2; exit 1 ;;
esac
cache="${MYHOTEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-}/.cache}/myhotel}"
# No home (or a read-only one) on a CI machine: a cache inside the clone instead (git-ignored).
if [ -z "${MYHOTEL_CACHE:-}${XDG_CACHE_HOME:-}" ] && { [ -z "${HOME:-}" ] || ! mkdir -p "$cache" 2> /dev/null; }; then
  cache="$root/.cache/myhotel"
fi
dest="$cache/node/$version-$os-$arch"
if [ ! -x "$dest/bin/node" ] || [ "$("$dest/bin/node" --version)" != "v$version" ]; then
  command -v npm > /dev/null || { echo "use-node.sh: npm is needed to fetch node-$os-$arch@$version" >&2; exit 1; }
  mkdir -p "$cache/node"
  tmp="$(mktemp -d "$cache/node/.tmp-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "use-node.sh: fetching node-$os-$arch@$version from the npm registry" >&2
  (cd "$tmp" && npm pack --silent --ignore-scripts "node-$os-$arch@$version" > /dev/null)
  tar -xzf "$tmp"/node-*.tgz -C "$tmp"
  "$tmp/package/bin/node" --version > /dev/null
  rm -rf "$dest"
  mv "$tmp/package" "$dest"
fi
echo "$dest/bin"
