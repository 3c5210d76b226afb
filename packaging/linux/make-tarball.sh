#!/usr/bin/env bash
# The Linux release tarball: the built bundle plus what installs it for a user.
#
#   packaging/linux/make-tarball.sh VERSION [DIST [OUTDIR]]
#
# DIST (default dist/HubDesk, PyInstaller's output) goes into
# OUTDIR/HubDesk-VERSION-linux-ARCH.tar.gz (OUTDIR default dist) as
#   HubDesk-VERSION/dist/HubDesk/...      the bundle
#   HubDesk-VERSION/packaging/linux/...   install-user.sh, the desktop files, icons
# the same layout as a checkout, so after unpacking,
# HubDesk-VERSION/packaging/linux/install-user.sh installs it (see its --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version=${1:?usage: packaging/linux/make-tarball.sh VERSION [DIST [OUTDIR]]}
bundle=${2:-dist/HubDesk}
outdir=${3:-dist}
[[ -x "$bundle/hubdesk" ]] || { echo "make-tarball.sh: no bundle at $bundle" >&2; exit 1; }

name="HubDesk-$version"
mkdir -p "$outdir"
out="$(cd "$outdir" && pwd)/$name-linux-$(uname -m).tar.gz"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/dist" "$stage/$name/packaging"
cp -a "$bundle" "$stage/$name/dist/HubDesk"
cp -a packaging/linux "$stage/$name/packaging/linux"
cp README.md "$stage/$name/"
# Owner and group are the user's own on unpacking; file order fixed for a stable archive.
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$out" "$name"
echo "$out"
