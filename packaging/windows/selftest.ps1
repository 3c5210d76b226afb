<#
.SYNOPSIS
Run "hubdesk.exe --self-test --strict" and fail unless every step passed.

hubdesk.exe is a GUI program: it has no console to print to and the shell does not wait
for it, so it is started with Start-Process -Wait and writes its report to a file, which
is printed here. With -Register the tel:/sms: links are registered for this exe first,
as the installer does (so the url-schemes step is checked too), and unregistered after.

.EXAMPLE
./packaging/windows/selftest.ps1 -Exe dist/HubDesk/hubdesk.exe -Register
#>
param(
    [Parameter(Mandatory = $true)] [string] $Exe,
    [switch] $Register
)
$ErrorActionPreference = 'Stop'
$Exe = (Resolve-Path -LiteralPath $Exe).Path

function Invoke-HubDesk([string[]] $Arguments) {
    $process = Start-Process -FilePath $Exe -ArgumentList $Arguments -Wait -PassThru
    return $process.ExitCode
}

$report = Join-Path ([IO.Path]::GetTempPath()) "hubdesk-selftest-$PID.txt"
if ($Register) {
    $code = Invoke-HubDesk @('--register-url-handlers')
    if ($code -ne 0) { throw "hubdesk.exe --register-url-handlers exited $code" }
}
try {
    $code = Invoke-HubDesk @('--self-test', '--strict', '--report', "`"$report`"")
    if (Test-Path -LiteralPath $report) { Get-Content -LiteralPath $report }
    if ($code -ne 0) { throw "hubdesk.exe --self-test exited $code" }
}
finally {
    if ($Register) {
        $undone = Invoke-HubDesk @('--unregister-url-handlers')
        if ($undone -ne 0) { Write-Warning "hubdesk.exe --unregister-url-handlers exited $undone" }
    }
    Remove-Item -Force -ErrorAction SilentlyContinue -LiteralPath $report
}
