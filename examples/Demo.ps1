<#
.SYNOPSIS
    The SecurityOps main job on the embedded defaults, offline: a fresh state, CVEs recorded through the pipeline,
    the state shown and committed.
.DESCRIPTION
    Runs without network access in a temporary folder (or -StatePath). Without pwsh:
        dotnet run --project src/SecurityOps.Host -- examples/Demo.ps1
    With pwsh (after dotnet build):
        pwsh -File examples/Demo.ps1
    Each step is its own function so later parts (the rotation, the daily runbook) can be added as steps.
.PARAMETER StatePath
    Where to make the state. Default: a new folder under the temp directory.
.PARAMETER Keep
    Keep the state folder after the demo (it is removed otherwise, unless -StatePath was given).
#>
[CmdletBinding()]
param(
    [string] $StatePath,
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'

function Step([string] $Title) {
    Write-Host ''
    Write-Host "== $Title"
}

function Import-SecurityOps {
    if (-not (Get-Module SecurityOps)) {
        $manifest = [IO.Path]::Combine($PSScriptRoot, '..', 'out', 'SecurityOps', 'SecurityOps.psd1')
        if (-not [IO.File]::Exists($manifest)) { throw "The module is not built: run 'dotnet build SecurityOps.sln' first ($manifest is missing)." }
        Import-Module $manifest
    }
}

function New-DemoState([string] $Path) {
    Step "Initialize a state repository in $Path"
    Initialize-SecurityState -Path $Path -Confirm:$false | Out-Host
}

function Add-DemoCves([string] $Path) {
    Step 'Record CVEs from two sources through the pipeline (new records, then a merge)'
    # What a feed reader would emit: objects with CveIds, Packages, Source, Link and Title.
    $reports = @(
        [pscustomobject]@{ CveIds = @('CVE-2026-0001', 'CVE-2026-0002'); Packages = @('openssl'); Source = 'oss-security'; Link = 'https://www.openwall.com/lists/oss-security/2026/01/05/1'; Title = 'openssl: two flaws in X.509 parsing' }
        [pscustomobject]@{ CveId = 'CVE-2026-0101'; Package = 'golang.org/x/net@Go'; Source = 'osv'; Link = 'https://pkg.go.dev/vuln/GO-2026-0101'; Title = 'x/net: HTTP/2 stream reset flood' }
        [pscustomobject]@{ CveId = 'CVE-2026-0001'; Package = 'openssl@Debian'; Source = 'debian'; Link = 'https://security-tracker.debian.org/tracker/CVE-2026-0001' }
    )
    $records = $reports | Add-CveRecord -StatePath $Path -Confirm:$false
    $records | Out-Host
    $new = @($records | Where-Object IsNew | ForEach-Object CveId)
    Write-Host "New CVEs to file: $($new -join ', ')"
}

function Update-DemoCves([string] $Path) {
    Step 'Triage: mark the Go CVE triaged, with a note'
    Get-CveRecord -StatePath $Path -Package 'golang.org/*' |
        Set-CveRecord -StatePath $Path -Status triaged -AddNote 'Affects the update service; fix in next release.' -PassThru -Confirm:$false |
        Out-Host
}

function Show-DemoState([string] $Path) {
    Step 'The state and its CVE records'
    Get-SecurityState -StatePath $Path | Out-Host
    Get-CveRecord -StatePath $Path -Id 'CVE-2026-*' | Out-Host
}

function Save-DemoState([string] $Path) {
    Step 'Commit the state (git)'
    Save-SecurityState -StatePath $Path -Confirm:$false | Out-Host
    Save-SecurityState -StatePath $Path -Confirm:$false -Verbose 4>&1 | ForEach-Object { Write-Host "  $_" }
}

Import-SecurityOps
$temporary = -not $StatePath
if ($temporary) {
    $StatePath = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'securityops-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
}

try {
    New-DemoState $StatePath
    Add-DemoCves $StatePath
    Update-DemoCves $StatePath
    Show-DemoState $StatePath
    Save-DemoState $StatePath
}
finally {
    if ($temporary -and -not $Keep -and [IO.Directory]::Exists($StatePath)) {
        foreach ($file in [IO.Directory]::GetFiles($StatePath, '*', [IO.SearchOption]::AllDirectories)) { [IO.File]::SetAttributes($file, 'Normal') }
        [IO.Directory]::Delete($StatePath, $true)
    }
}
