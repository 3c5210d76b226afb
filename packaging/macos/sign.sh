#!/usr/bin/env bash
# Sign HubDesk.app (inside out, hardened runtime) or a disk image with a Developer ID,
# from a certificate given in the environment (the release workflow maps its secrets):
#
#   MACOS_CERTIFICATE_P12       the "Developer ID Application" certificate and key, a
#                               .p12 file in base64 (base64 -i cert.p12 | pbcopy)
#   MACOS_CERTIFICATE_PASSWORD  its password
#   MACOS_SIGN_IDENTITY         e.g. "Developer ID Application: HubWork Ltd (TEAMID1234)"
#
#   packaging/macos/sign.sh dist/HubDesk.app        the app: every Mach-O, then the app
#   packaging/macos/sign.sh dist/HubDesk-1.0.dmg    a disk image
#
# The certificate goes into a temporary keychain that is deleted on exit. What and why,
# step by step: sign-and-notarize.md beside this file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

: "${MACOS_CERTIFICATE_P12:?not set: see the top of this script}"
: "${MACOS_CERTIFICATE_PASSWORD:?not set}"
: "${MACOS_SIGN_IDENTITY:?not set}"
[[ $# -gt 0 ]] || { echo "usage: packaging/macos/sign.sh APP_OR_DMG..." >&2; exit 2; }

work="$(mktemp -d)"
keychain="$work/hubdesk-signing.keychain-db"
keychain_password="$(openssl rand -hex 24)"
cleanup() {
    security delete-keychain "$keychain" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 3600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
printf '%s' "$MACOS_CERTIFICATE_P12" | base64 --decode >"$work/certificate.p12"
security import "$work/certificate.p12" -k "$keychain" -P "$MACOS_CERTIFICATE_PASSWORD" \
    -T /usr/bin/codesign >/dev/null
rm -f "$work/certificate.p12"
# codesign may use the key without a prompt; the keychain joins the search list.
security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain" >/dev/null
# shellcheck disable=SC2046  # the existing keychains, one word each
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')

sign() {
    codesign --force --timestamp --options runtime --keychain "$keychain" \
        --sign "$MACOS_SIGN_IDENTITY" "$@"
}

sign_app() {
    local app=$1
    # Every loose Mach-O (dylibs, .so extension modules, helper executables)...
    while IFS= read -r -d '' file; do
        if file -b "$file" | grep -q Mach-O; then
            sign "$file"
        fi
    done < <(find "$app/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0)
    # ...then nested frameworks, deepest first, then the app with its entitlements.
    while IFS= read -r -d '' framework; do
        sign "$framework"
    done < <(find "$app/Contents" -name '*.framework' -type d -print0 | sort -rz)
    sign --entitlements packaging/macos/entitlements.plist "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
}

for target in "$@"; do
    case "$target" in
        *.app) sign_app "${target%/}" ;;
        *.dmg)
            codesign --force --timestamp --keychain "$keychain" --sign "$MACOS_SIGN_IDENTITY" "$target"
            codesign --verify --verbose=2 "$target"
            ;;
        *) echo "sign.sh: neither an .app nor a .dmg: $target" >&2; exit 2 ;;
    esac
done
