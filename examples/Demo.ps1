<#
.SYNOPSIS
    The SecurityOps main job, offline: the daily runbook on the embedded defaults against sample feeds shipped in
    the repository, with GitHub planned rather than written.
.DESCRIPTION
    Runs without network access in a temporary folder (or -StatePath). Without pwsh:
        dotnet run --project src/SecurityOps.Host -- examples/Demo.ps1
    With pwsh (after dotnet build):
        pwsh -File examples/Demo.ps1
    Steps: make a state from the embedded defaults; point its sources at examples/feeds (real excerpts of the
    Gentoo GLSA feed with its advisory XML, the RustSec Atom feed and Go OSV records, read through file:// paths;
    the newest GLSA is held back for the second day); the first run, which is the sources' baseline (what they hold
    is recorded as seen, nothing is filed); the next day a new GLSA arrives: Invoke-SecurityRunbook -WhatIf (a plan,
    nothing written), then the real run without a GitHub token (the new CVE recorded and committed, its issue planned
    offline and kept pending for a run with a token) and its summary markdown; a quiet day where nothing changed
    upstream; triage of one CVE; the state and its git log.
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
    Step "Initialize a state repository in $Path (embedded defaults)"
    Initialize-SecurityState -Path $Path -Confirm:$false | Out-Host
}

function Set-DemoSources([string] $Path, [string] $Feeds) {
    Step 'Point the sources at the sample feeds (file:// paths) and name the issue repository'
    $samples = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, 'feeds'))
    # The Gentoo sample is served from a copy without its newest GLSA: that one arrives on the second day.
    [IO.Directory]::CreateDirectory($Feeds) | Out-Null
    foreach ($file in [IO.Directory]::GetFiles([IO.Path]::Combine($samples, 'gentoo'))) { [IO.File]::Copy($file, [IO.Path]::Combine($Feeds, [IO.Path]::GetFileName($file)), $true) }
    $rss = [IO.File]::ReadAllText([IO.Path]::Combine($Feeds, 'feed.rss'))
    $newest = [regex]::Match($rss, '(?s)\s*<item>(?:(?!</item>).)*202601-05(?:(?!</item>).)*</item>')
    [IO.File]::WriteAllText([IO.Path]::Combine($Feeds, 'feed.rss'), $rss.Remove($newest.Index, $newest.Length))
    $gentoo = [uri]::new([IO.Path]::Combine($Feeds, 'feed.rss')).AbsoluteUri
    $rustsec = [uri]::new([IO.Path]::Combine($samples, 'rustsec', 'feed.xml')).AbsoluteUri
    $goOsv = [uri]::new([IO.Path]::Combine($samples, 'osv-go')).AbsoluteUri
    $config = [IO.Path]::Combine($Path, 'securityops.yaml')
    $text = [IO.File]::ReadAllText($config).Replace("`r`n", "`n")
    $text = $text.Replace('  useDefaults: true', '  useDefaults: false').Replace("  issueRepository:`n", "  issueRepository: example/project`n")
    # sources: stays the last section of the file, so the entries are appended after it.
    $text = $text.Replace('sources: []', "sources:`n  - name: gentoo-glsa`n    type: gentoo-glsa`n    url: $gentoo`n  - name: rustsec`n    type: rustsec`n    url: $rustsec`n  - name: go-osv`n    type: osv`n    url: $goOsv")
    [IO.File]::WriteAllText($config, $text)
    Get-SecuritySource -StatePath $Path | Out-Host
    # The team's starting point is a commit of its own, so each day's commit shows only that day's work.
    Save-SecurityState -StatePath $Path -Message 'securityops: initial state with the sample sources' -Confirm:$false | Out-Host
}

function Invoke-DemoBaseline([string] $Path) {
    Step 'The first run is the baseline: what the sources hold today is recorded as seen, and nothing is filed'
    $first = Invoke-SecurityRunbook -StatePath $Path -Confirm:$false -WarningAction SilentlyContinue
    $first | Out-Host
    Write-Host "Baseline for: $($first.BaselineSources -join ', '); CVEs recorded as seen: $($first.NewCves.Count); issues planned: $(@($first.Issues).Count)"
}

function Add-DemoAdvisory([string] $Feeds) {
    Step 'The next day Gentoo publishes a new GLSA (the sample feed gets its newest item back)'
    [IO.File]::Copy([IO.Path]::Combine($PSScriptRoot, 'feeds', 'gentoo', 'feed.rss'), [IO.Path]::Combine($Feeds, 'feed.rss'), $true)
}

function Invoke-DemoPlan([string] $Path) {
    Step 'What would today''s run do? Invoke-SecurityRunbook -WhatIf (reads the feeds, writes nothing)'
    $plan = Invoke-SecurityRunbook -StatePath $Path -WhatIf
    $plan | Out-Host
    $plan.Issues | Out-Host
}

function Invoke-DemoRun([string] $Path) {
    Step 'The daily run, offline for GitHub (no token): CVEs recorded and committed, issues planned and kept pending'
    $result = Invoke-SecurityRunbook -StatePath $Path -Confirm:$false -WarningAction Continue
    $result | Out-Host
    $result.Sources | Out-Host
    Write-Host "New CVEs: $($result.NewCves -join ', ')"
    Write-Host "Pending filing (the next run with a token files them): $($result.PendingFiling.Count)"

    Step 'The summary a scheduled run appends to $env:GITHUB_STEP_SUMMARY'
    Write-Host $result.Markdown
}

function Invoke-DemoQuietDay([string] $Path) {
    Step 'The day after nothing changed upstream: no new CVE, the pending one still planned'
    $again = Invoke-SecurityRunbook -StatePath $Path -Confirm:$false -WarningAction SilentlyContinue
    $again | Out-Host
    Write-Host "Sources not modified: $(@($again.Sources | Where-Object NotModified).Count) of $($again.Sources.Count); new CVEs: $($again.NewCves.Count)"
}

function Update-DemoCves([string] $Path) {
    Step 'Triage: mark the Commons-BeanUtils CVE triaged, with a note'
    Get-CveRecord -StatePath $Path -Package 'dev-java/*' |
        Set-CveRecord -StatePath $Path -Status triaged -AddNote 'Only the build tooling ships it; low exposure.' -PassThru -Confirm:$false |
        Out-Host
}

function Show-DemoState([string] $Path) {
    Step 'The state, who is on duty, and the commits the runs made'
    Get-SecurityState -StatePath $Path | Out-Host
    Get-Rotation -StatePath $Path | Out-Host
    Save-SecurityState -StatePath $Path -Confirm:$false | Out-Host
    git -C $Path log --format='%h %s' | ForEach-Object { Write-Host "  $_" }
}

Import-SecurityOps
$temporary = -not $StatePath
if ($temporary) {
    $StatePath = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'securityops-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
}
# The Gentoo sample is read from a copy beside the state (outside it: the state repository holds only state).
$demoFeeds = [IO.Path]::GetFullPath($StatePath).TrimEnd([IO.Path]::DirectorySeparatorChar) + '-feeds'


# Offline for GitHub: no token in this process while the demo runs.
$savedTokens = @{ GITHUB_TOKEN = $env:GITHUB_TOKEN; GH_TOKEN = $env:GH_TOKEN; GITHUB_STEP_SUMMARY = $env:GITHUB_STEP_SUMMARY }
try {
    $env:GITHUB_TOKEN = $null
    $env:GH_TOKEN = $null
    $env:GITHUB_STEP_SUMMARY = $null
    New-DemoState $StatePath
    Set-DemoSources $StatePath $demoFeeds
    Invoke-DemoBaseline $StatePath
    Add-DemoAdvisory $demoFeeds
    Invoke-DemoPlan $StatePath
    Invoke-DemoRun $StatePath
    Invoke-DemoQuietDay $StatePath
    Update-DemoCves $StatePath
    Show-DemoState $StatePath
}
finally {
    foreach ($name in $savedTokens.Keys) { [Environment]::SetEnvironmentVariable($name, $savedTokens[$name]) }
    if ([IO.Directory]::Exists($demoFeeds) -and -not $Keep) { [IO.Directory]::Delete($demoFeeds, $true) }
    if ($temporary -and -not $Keep -and [IO.Directory]::Exists($StatePath)) {
        foreach ($file in [IO.Directory]::GetFiles($StatePath, '*', [IO.SearchOption]::AllDirectories)) { [IO.File]::SetAttributes($file, 'Normal') }
        [IO.Directory]::Delete($StatePath, $true)
    }
}
