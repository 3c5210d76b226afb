# shellcheck shell=bash
# Shared set-up for scripts/demo and scripts/test (sourced, not run).
#
#   hubdesk_ensure_venv              .venv with `pip install -e '.[dev]'`, redone only
#                                    when pyproject.toml (or the Python) changed
#   hubdesk_ensure_debian_packages   the desktop-session packages (shared/docs/TESTING.md)
#   hubdesk_ensure_newman            newman (Postman collection runner), via npm
#
# Everything is idempotent and quick when already in place. As root, missing Debian
# packages are installed; otherwise what to install is printed and the caller fails.

HUBDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUBDESK_VENV="$HUBDESK_ROOT/.venv"
HUBDESK_PY="$HUBDESK_VENV/bin/python"

# What the PySide6 wheel needs to open a window (shared/docs/TESTING.md): scripts/demo
# makes sure of these.
HUBDESK_QT_RUNTIME_PACKAGES=(
    libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libx11-6 libx11-xcb1
    libxkbcommon0 libxkbcommon-x11-0 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4
    libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0
    libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
    fonts-dejavu-core fonts-noto-color-emoji
)
# scripts/test adds the private desktop session (Xvfb, D-Bus, tray watcher, dunst,
# gnome-keyring), the packaging checks' tools (desktop-file-validate, appstreamcli and
# the shell linter) and xdotool for the end-to-end tests.
HUBDESK_DEBIAN_PACKAGES=(
    "${HUBDESK_QT_RUNTIME_PACKAGES[@]}"
    xvfb dbus-daemon dbus-bin dbus-x11 haskell-status-notifier-item-utils dunst gnome-keyring
    desktop-file-utils appstream shellcheck xdotool
)

hubdesk_say() { printf '==> %s\n' "$*" >&2; }
hubdesk_fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
hubdesk_is_root() { [[ "$(id -u)" -eq 0 ]]; }

_hubdesk_apt_updated=""
hubdesk_apt_install() {
    hubdesk_is_root || hubdesk_fail "not root: cannot install $*"
    export DEBIAN_FRONTEND=noninteractive
    if [[ -z "$_hubdesk_apt_updated" ]]; then
        hubdesk_say "apt-get update"
        apt-get update -qq || hubdesk_fail "apt-get update failed"
        _hubdesk_apt_updated=1
    fi
    hubdesk_say "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || hubdesk_fail "apt-get install failed: $*"
}

# A Python >= 3.11 to build the venv from: $PYTHON, else the first suitable on PATH.
hubdesk_base_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

hubdesk_ensure_venv() {
    # One bootstrap at a time per checkout (two scripts/test runs side by side).
    local lock
    lock="${TMPDIR:-/tmp}/hubdesk-bootstrap-$(printf '%s' "$HUBDESK_ROOT" | sha256sum | cut -c1-12).lock"
    exec {_hubdesk_lock}>"$lock"
    flock "$_hubdesk_lock"

    if ! "$HUBDESK_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        local base
        if ! base="$(hubdesk_base_python)"; then
            if hubdesk_is_root && command -v apt-get >/dev/null; then
                hubdesk_apt_install python3 python3-venv
                base="$(hubdesk_base_python)" || hubdesk_fail "no Python 3.11+ found (set PYTHON=...)"
            else
                hubdesk_fail "HubDesk needs Python 3.11+: install it (or set PYTHON=/path/to/python3.11)"
            fi
        fi
        hubdesk_say "creating .venv with $base"
        if ! "$base" -m venv --clear "$HUBDESK_VENV" 2>/dev/null; then
            # Debian/Ubuntu ship venv's pip bootstrap separately.
            if hubdesk_is_root && command -v apt-get >/dev/null; then
                hubdesk_apt_install python3-venv
                "$base" -m venv --clear "$HUBDESK_VENV" || hubdesk_fail "python3 -m venv failed"
            else
                hubdesk_fail "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)"
            fi
        fi
        rm -f "$HUBDESK_VENV/.hubdesk-deps"
    fi

    local stamp want
    stamp="$HUBDESK_VENV/.hubdesk-deps"
    want="$(sha256sum "$HUBDESK_ROOT/pyproject.toml" | cut -d' ' -f1) $("$HUBDESK_PY" -c 'import sys; print(sys.version.split()[0])')"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        hubdesk_say "installing HubDesk and its dev tools into .venv (pyproject.toml changed)"
        local log="$HUBDESK_VENV/pip-install.log"
        if ! "$HUBDESK_PY" -m pip install --disable-pip-version-check -e "${HUBDESK_ROOT}[dev]" \
            >"$log" 2>&1; then
            tail -n 40 "$log" >&2
            hubdesk_fail "pip install -e '.[dev]' failed (full log: $log)"
        fi
        printf '%s\n' "$want" >"$stamp"
    fi
    exec {_hubdesk_lock}>&-
    export PATH="$HUBDESK_VENV/bin:$PATH"
}

# Prints which of the named packages are not installed (default: the whole test list).
hubdesk_missing_debian_packages() {
    local wanted=("$@")
    [[ ${#wanted[@]} -gt 0 ]] || wanted=("${HUBDESK_DEBIAN_PACKAGES[@]}")
    local installed
    installed="$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${wanted[@]}" 2>/dev/null \
        | awk '$1 == "installed" { print $2 }')"
    local pkg
    for pkg in "${wanted[@]}"; do
        grep -qx -- "$pkg" <<<"$installed" || printf '%s\n' "$pkg"
    done
}

# Installs the named packages (default: the whole test list) when missing, as root;
# otherwise prints the apt-get line to run and fails.
hubdesk_ensure_debian_packages() {
    local wanted=("$@")
    [[ ${#wanted[@]} -gt 0 ]] || wanted=("${HUBDESK_DEBIAN_PACKAGES[@]}")
    if ! command -v dpkg-query >/dev/null 2>&1; then
        hubdesk_say "not a Debian-based system: make sure the equivalents of these are installed:"
        printf '    %s\n' "${wanted[*]}" >&2
        return 0
    fi
    local missing
    mapfile -t missing < <(hubdesk_missing_debian_packages "${wanted[@]}")
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if hubdesk_is_root; then
        hubdesk_apt_install "${missing[@]}"
    else
        printf 'error: HubDesk needs these Debian packages:\n' >&2
        printf '    sudo apt-get install --no-install-recommends %s\n' "${missing[*]}" >&2
        exit 1
    fi
}

hubdesk_ensure_newman() {
    command -v newman >/dev/null 2>&1 && return 0
    if ! command -v npm >/dev/null 2>&1; then
        if hubdesk_is_root && command -v apt-get >/dev/null; then
            hubdesk_apt_install nodejs npm
        else
            hubdesk_fail "newman is needed (Postman collection runs): install Node.js and npm, then: npm install -g newman"
        fi
    fi
    hubdesk_say "npm install -g newman"
    npm install -g --no-audit --no-fund --loglevel=error newman >/dev/null \
        || hubdesk_fail "npm install -g newman failed (as non-root, set npm's prefix or use sudo)"
    command -v newman >/dev/null 2>&1 || hubdesk_fail "newman installed but not on PATH ($(npm prefix -g)/bin)"
}
