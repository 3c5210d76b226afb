#!/usr/bin/env bash
# Install a built HubDesk bundle for the current user (no root needed), or remove it.
#
#   packaging/linux/install-user.sh [--dist DIR] [--autostart] [--no-default]
#   packaging/linux/install-user.sh --uninstall
#
# Installs:
#   DIR (default: dist/HubDesk, PyInstaller's output) -> ~/.local/opt/hubdesk/
#   ~/.local/bin/hubdesk                                -> symlink to ~/.local/opt/hubdesk/hubdesk
#   $XDG_DATA_HOME/applications/hubdesk.desktop         (Exec points at the symlink)
#   $XDG_DATA_HOME/icons/hicolor/*/apps/hubdesk.{png,svg}
#   $XDG_DATA_HOME/metainfo/com.hubwork.HubDesk.metainfo.xml
#   $XDG_CONFIG_HOME/autostart/hubdesk.desktop          (only with --autostart)
# and makes HubDesk the handler of tel: and sms: links (xdg-mime), unless --no-default.
# update-desktop-database, gtk-update-icon-cache and xdg-mime are used when present and
# skipped (with a note) when not.

set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd -- "$here/../.." && pwd)"

dist="$root/dist/HubDesk"
autostart=0
set_default=1
action=install

usage() {
    sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die() {
    printf 'install-user.sh: %s\n' "$*" >&2
    exit 1
}

note() {
    printf '%s\n' "$*"
}

while (($#)); do
    case "$1" in
        --dist)
            (($# >= 2)) || die "--dist needs a folder"
            dist="$2"
            shift 2
            ;;
        --autostart) autostart=1; shift ;;
        --no-default) set_default=0; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option: $1 (try --help)" ;;
    esac
done

[[ -n "${HOME:-}" ]] || die "HOME is not set"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
config_home="${XDG_CONFIG_HOME:-$HOME/.config}"
opt_dir="$HOME/.local/opt/hubdesk"
bin_dir="$HOME/.local/bin"
link="$bin_dir/hubdesk"
apps_dir="$data_home/applications"
icons_dir="$data_home/icons/hicolor"
metainfo_dir="$data_home/metainfo"
autostart_file="$config_home/autostart/hubdesk.desktop"
schemes=(x-scheme-handler/tel x-scheme-handler/sms)

have() {
    command -v "$1" >/dev/null 2>&1
}

# A path as the Exec key of a .desktop file wants it: bare when it holds only safe
# characters, otherwise double-quoted. Characters that would need escaping twice over
# (the spec's string and Exec quoting rules) are refused rather than risked.
exec_path() {
    local path="$1"
    if [[ "$path" =~ ^[A-Za-z0-9._/+-]+$ ]]; then
        printf '%s' "$path"
    elif [[ "$path" == *[\"\`\$\\%]* || "$path" == *$'\n'* ]]; then
        die "cannot write a desktop file for a path containing \", \`, \$, \\ or %: $path"
    else
        printf '"%s"' "$path"
    fi
}

# Copy a .desktop template, pointing its Exec= and TryExec= lines at the installed binary.
install_desktop_file() {
    local template="$1" target="$2" exe
    exe="$(exec_path "$link")"
    mkdir -p -- "$(dirname -- "$target")"
    sed -e "s|^Exec=hubdesk|Exec=$exe|" -e "s|^TryExec=hubdesk\$|TryExec=$link|" \
        -- "$template" >"$target.tmp"
    chmod 0644 -- "$target.tmp"
    mv -f -- "$target.tmp" "$target"
}

refresh_caches() {
    if have update-desktop-database; then
        update-desktop-database -q -- "$apps_dir" || note "note: update-desktop-database failed"
    else
        note "note: update-desktop-database not found; skipped"
    fi
    if have gtk-update-icon-cache && [[ -f "$icons_dir/index.theme" ]]; then
        gtk-update-icon-cache -q -t -- "$icons_dir" || true
    fi
}

do_install() {
    [[ -d "$dist" ]] || die "no bundle at $dist (build it first: pyinstaller build.spec)"
    [[ -f "$dist/hubdesk" && -x "$dist/hubdesk" ]] || die "$dist/hubdesk is missing or not executable"

    # Copy next to the old install, then swap, so a failed copy leaves the old one working.
    mkdir -p -- "$(dirname -- "$opt_dir")" "$bin_dir"
    rm -rf -- "$opt_dir.new"
    cp -R -- "$dist" "$opt_dir.new"
    rm -rf -- "$opt_dir"
    mv -- "$opt_dir.new" "$opt_dir"
    ln -sfn -- "$opt_dir/hubdesk" "$link"
    note "installed $opt_dir, linked $link"

    install_desktop_file "$here/hubdesk.desktop" "$apps_dir/hubdesk.desktop"
    local size_dir
    for size_dir in "$here"/icons/hicolor/*/apps; do
        size_dir="${size_dir#"$here/icons/hicolor/"}"
        mkdir -p -- "$icons_dir/$size_dir"
        cp -- "$here/icons/hicolor/$size_dir"/hubdesk.* "$icons_dir/$size_dir/"
    done
    mkdir -p -- "$metainfo_dir"
    cp -- "$here/com.hubwork.HubDesk.metainfo.xml" "$metainfo_dir/"
    if ((autostart)); then
        install_desktop_file "$here/hubdesk-autostart.desktop" "$autostart_file"
        note "HubDesk will start (minimised to the tray) at login: $autostart_file"
    fi
    refresh_caches

    if ((set_default)); then
        if have xdg-mime; then
            xdg-mime default hubdesk.desktop "${schemes[@]}"
            note "HubDesk now opens tel: and sms: links"
        else
            note "note: xdg-mime not found; tel:/sms: links are not associated with HubDesk"
        fi
    fi
    case ":${PATH:-}:" in
        *":$bin_dir:"*) ;;
        *) note "note: $bin_dir is not on PATH; the menu entry works, 'hubdesk' in a shell won't" ;;
    esac
}

do_uninstall() {
    rm -rf -- "$opt_dir" "$opt_dir.new"
    # Remove the symlink only if it is ours.
    if [[ -L "$link" && "$(readlink -- "$link")" == "$opt_dir/hubdesk" ]]; then
        rm -f -- "$link"
    fi
    rm -f -- "$apps_dir/hubdesk.desktop" "$metainfo_dir/com.hubwork.HubDesk.metainfo.xml" \
        "$autostart_file"
    local icon
    for icon in "$icons_dir"/*/apps/hubdesk.png "$icons_dir"/*/apps/hubdesk.svg; do
        if [[ -e "$icon" ]]; then rm -f -- "$icon"; fi
    done
    # xdg-mime cannot unset a default: drop our lines from the user's mimeapps.list.
    local list="$config_home/mimeapps.list"
    if [[ -f "$list" ]]; then
        sed -i -e '/^x-scheme-handler\/\(tel\|sms\)=hubdesk\.desktop;\{0,1\}$/d' -- "$list"
    fi
    refresh_caches
    note "HubDesk removed (your profile - settings, messages, keyring entries - is kept)"
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    *) die "internal error: unknown action ${action}" ;;
esac
