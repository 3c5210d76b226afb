<#
.SYNOPSIS
Authenticode-sign files (hubdesk.exe, the setup) with signtool and a code-signing
certificate given in the environment; the release workflow maps its secrets:

  WINDOWS_CERTIFICATE_PFX       the certificate and key, a .pfx file in base64
                                ([Convert]::ToBase64String([IO.File]::ReadAllBytes("cert.pfx")))
  WINDOWS_CERTIFICATE_PASSWORD  its password

.EXAMPLE
./packaging/windows/sign.ps1 dist/HubDesk/hubdesk.exe

A certificate kept in a cloud HSM (Azure Trusted Signing, DigiCert KeyLocker) signs
through that service's own signtool plug-in instead; see packaging/README.md.
#>
param(
    [Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)]
    [string[]] $Files
)
$ErrorActionPreference = 'Stop'

if (-not $env:WINDOWS_CERTIFICATE_PFX) { throw 'WINDOWS_CERTIFICATE_PFX is not set (see the top of this script)' }
$timestamp = 'http://timestamp.digicert.com'
$kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
$signtool = Get-ChildItem -Path $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
    Where-Object { $_.DirectoryName -like '*\x64' } |
    Sort-Object -Property FullName -Descending |
    Select-Object -First 1
if (-not $signtool) { throw "signtool.exe not found under $kits (the Windows SDK)" }

$pfx = Join-Path ([IO.Path]::GetTempPath()) "hubdesk-codesign-$PID.pfx"
try {
    [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERTIFICATE_PFX))
    foreach ($file in $Files) {
        & $signtool.FullName sign /f $pfx /p $env:WINDOWS_CERTIFICATE_PASSWORD /fd SHA256 `
            /tr $timestamp /td SHA256 /d HubDesk $file
        if ($LASTEXITCODE -ne 0) { throw "signtool could not sign $file" }
        & $signtool.FullName verify /pa $file
        if ($LASTEXITCODE -ne 0) { throw "the signature of $file does not verify" }
    }
}
finally {
    Remove-Item -Force -ErrorAction SilentlyContinue -Path $pfx
}
