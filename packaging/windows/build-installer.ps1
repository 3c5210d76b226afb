<#
.SYNOPSIS
Compile the installer (hubdesk.iss) for the bundle in dist\HubDesk, with Inno Setup 6.

Uses iscc from PATH or Inno Setup's usual folder; when neither has it (a fresh machine,
or a runner image without it), installs Inno Setup with Chocolatey first.
Writes dist\installer\HubDesk-<Version>-setup.exe and prints its path.

.EXAMPLE
./packaging/windows/build-installer.ps1 -Version 0.1.0
#>
param([Parameter(Mandatory = $true)] [string] $Version)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..\..')

function Find-Iscc {
    $command = Get-Command iscc -ErrorAction SilentlyContinue
    if ($command) { return $command.Source }
    foreach ($base in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if (-not $base) { continue }
        $candidate = Join-Path $base 'Inno Setup 6\ISCC.exe'
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    return $null
}

$iscc = Find-Iscc
if (-not $iscc) {
    Write-Host 'Inno Setup not found: installing it with Chocolatey'
    choco install innosetup --yes --no-progress
    if ($LASTEXITCODE -ne 0) { throw 'choco install innosetup failed' }
    $iscc = Find-Iscc
    if (-not $iscc) { throw 'ISCC.exe still not found after installing Inno Setup' }
}
& $iscc "/DAppVersion=$Version" (Join-Path $root 'packaging\windows\hubdesk.iss')
if ($LASTEXITCODE -ne 0) { throw "iscc failed ($LASTEXITCODE)" }
$setup = Join-Path $root "dist\installer\HubDesk-$Version-setup.exe"
if (-not (Test-Path -LiteralPath $setup)) { throw "no installer at $setup" }
Write-Output $setup
