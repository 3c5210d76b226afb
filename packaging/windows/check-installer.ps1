<#
.SYNOPSIS
Install HubDesk for this user with the setup, silently; run the installed copy's
self-test (strict: the installer must have registered tel: and sms:); uninstall it
silently; check that the uninstaller removed HubDesk's registry keys and its files.

For CI on a throwaway runner; on a person's machine it replaces their HubDesk.

.EXAMPLE
./packaging/windows/check-installer.ps1 -Setup dist/installer/HubDesk-0.1.0-setup.exe
#>
param([Parameter(Mandatory = $true)] [string] $Setup)
$ErrorActionPreference = 'Stop'
$Setup = (Resolve-Path -LiteralPath $Setup).Path
$target = Join-Path $env:LOCALAPPDATA 'Programs\HubDesk'
$quiet = @('/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', '/SP-')

$install = Start-Process -FilePath $Setup -ArgumentList ($quiet + @('/CURRENTUSER', "/DIR=`"$target`"", '/TASKS=""')) -Wait -PassThru
if ($install.ExitCode -ne 0) { throw "the setup exited $($install.ExitCode)" }
$exe = Join-Path $target 'hubdesk.exe'
if (-not (Test-Path -LiteralPath $exe)) { throw "nothing installed at $exe" }

& (Join-Path $PSScriptRoot 'selftest.ps1') -Exe $exe

$uninstaller = Get-ChildItem -LiteralPath $target -Filter 'unins*.exe' | Select-Object -First 1
if (-not $uninstaller) { throw "no uninstaller in $target" }
$remove = Start-Process -FilePath $uninstaller.FullName -ArgumentList $quiet -Wait -PassThru
if ($remove.ExitCode -ne 0) { throw "the uninstaller exited $($remove.ExitCode)" }
# The uninstaller hands its work to a copy of itself and returns at once: wait for it.
$deadline = (Get-Date).AddSeconds(60)
while ((Test-Path -LiteralPath $exe) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 500 }
if (Test-Path -LiteralPath $exe) { throw "the uninstaller left $exe" }
foreach ($key in @('HubDesk.tel', 'HubDesk.sms')) {
    if (Test-Path -LiteralPath "HKCU:\Software\Classes\$key") { throw "the uninstaller left HKCU\Software\Classes\$key" }
}
if (Test-Path -LiteralPath 'HKCU:\Software\HubWork\HubDesk') { throw 'the uninstaller left HKCU\Software\HubWork\HubDesk' }
Write-Output "installed, self-tested and uninstalled: $Setup"
