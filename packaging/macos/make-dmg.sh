#!/usr/bin/env bash
# A compressed, read-only disk image of HubDesk.app with an Applications link beside it,
# so that installing is one drag.
#
#   packaging/macos/make-dmg.sh dist/HubDesk.app dist/HubDesk-1.0.0-macos-arm64.dmg
set -euo pipefail

app=${1:?usage: packaging/macos/make-dmg.sh APP DMG}
dmg=${2:?usage: packaging/macos/make-dmg.sh APP DMG}
[[ -d "$app/Contents/MacOS" ]] || { echo "make-dmg.sh: not an app bundle: $app" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# ditto keeps what cp -R may not: symlinks inside frameworks, extended attributes.
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname HubDesk -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
hdiutil verify "$dmg"
echo "$dmg"
