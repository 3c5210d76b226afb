#!/usr/bin/env bash
# Notarise a signed disk image with Apple and staple the ticket to it, with an App Store
# Connect API key given in the environment (the release workflow maps its secrets):
#
#   APPLE_API_KEY_P8   the key file (AuthKey_XXXXXXXXXX.p8) in base64
#   APPLE_API_KEY_ID   its key id (XXXXXXXXXX)
#   APPLE_API_ISSUER   the issuer id (a UUID, App Store Connect > Users and Access > Keys)
#
#   packaging/macos/notarize.sh dist/HubDesk-1.0.0-macos-arm64.dmg
#
# On rejection it prints Apple's log (which file, which reason) and exits 1.
set -euo pipefail

dmg=${1:?usage: packaging/macos/notarize.sh DMG}
: "${APPLE_API_KEY_P8:?not set: see the top of this script}"
: "${APPLE_API_KEY_ID:?not set}"
: "${APPLE_API_ISSUER:?not set}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
key="$work/AuthKey_$APPLE_API_KEY_ID.p8"
printf '%s' "$APPLE_API_KEY_P8" | base64 --decode >"$key"
auth=(--key "$key" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")

xcrun notarytool submit "$dmg" "${auth[@]}" --wait --timeout 45m --output-format json \
    >"$work/submission.json"
read -r status id < <(python3 -c '
import json, sys
answer = json.load(open(sys.argv[1]))
print(answer.get("status", "?"), answer.get("id", "?"))' "$work/submission.json")
echo "notarization: $status ($id)"
if [[ "$status" != Accepted ]]; then
    xcrun notarytool log "$id" "${auth[@]}" || true
    exit 1
fi
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose "$dmg"
