#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The daily watch from a prompt: read upstream trackers (here real excerpts kept as files), record the CVEs, plan the
# GitHub issues. Run with Invoke-Pester ./tests/Pester after dotnet build.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/SecurityOps/SecurityOps.psd1') -Force
    $feeds = Join-Path $PSScriptRoot '../SecurityOps.Tests/Fixtures/feeds'
}

AfterAll {
    Remove-Module SecurityOps -ErrorAction Ignore
}

Describe 'Reading upstream trackers' {
    It 'follows Gentoo GLSA items to their advisory XML for CVE ids and package atoms' {
        $items = Get-SecurityFeed -Uri (Join-Path $feeds 'gentoo/feed.rss') -Type gentoo-glsa -WarningAction SilentlyContinue
        $items.Count | Should -BeGreaterThan 10
        $items | ForEach-Object { $_.Source | Should -Be 'gentoo-glsa' }
        $withCves = @($items | Where-Object { $_.CveIds.Count -gt 0 })
        $withCves.Count | Should -BeGreaterThan 0
        $withCves[0].Packages[0].Ecosystem | Should -Be 'Gentoo'
        $withCves[0].CveIds | ForEach-Object { $_ | Should -Match '^CVE-\d{4}-\d{4,}$' }
    }

    It 'reads a folder of OSV records, taking CVE ids from aliases' {
        $items = Get-SecurityFeed -Uri (Join-Path $feeds 'osv/go') -Type osv
        $items.Count | Should -BeGreaterThan 0
        @($items | Where-Object { $_.CveIds.Count -gt 0 }).Count | Should -BeGreaterThan 0
        ($items.Packages.Ecosystem | Sort-Object -Unique) | Should -Be 'Go'
    }

    It 'reports a missing source as an error naming it, and goes on' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) 'secops-no-such-feed.rss'
        $items = Get-SecurityFeed -Uri $missing -Type rss -ErrorAction SilentlyContinue -ErrorVariable failed
        $items | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        "$($failed[0])" | Should -Match 'secops-no-such-feed'
    }
}

Describe 'Recording and filing' {
    BeforeEach {
        $state = Join-Path ([IO.Path]::GetTempPath()) ('secops-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        Initialize-SecurityState -Path $state -NoGit -Confirm:$false | Out-Null
        # Offline: no token may leak in from the machine running the tests.
        $saved = $env:GITHUB_TOKEN, $env:GH_TOKEN
        $env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null
    }

    AfterEach {
        $env:GITHUB_TOKEN, $env:GH_TOKEN = $saved
        Remove-Item $state -Recurse -Force -ErrorAction Ignore
    }

    It 'records every CVE of a feed once, however often it is read' {
        $first = Get-SecurityFeed -Uri (Join-Path $feeds 'osv/go') -Type osv | Add-CveRecord -StatePath $state -Confirm:$false
        $new = @($first | Where-Object IsNew)
        $new.Count | Should -BeGreaterThan 0
        $again = Get-SecurityFeed -Uri (Join-Path $feeds 'osv/go') -Type osv | Add-CveRecord -StatePath $state -Confirm:$false
        @($again | Where-Object IsNew) | Should -HaveCount 0
        @(Get-CveRecord -StatePath $state).Count | Should -Be ($first.CveId | Sort-Object -Unique).Count
    }

    It 'plans one issue per package under -WhatIf, offline, with the Flatcar title and labels' {
        Add-CveRecord -StatePath $state -CveId CVE-2026-1000 -Package app-editors/vim -CvssScore 7.5 -Confirm:$false | Out-Null
        Add-CveRecord -StatePath $state -CveId CVE-2026-1001 -Package app-editors/vim -CvssScore 9.1 -Confirm:$false | Out-Null
        $plan = Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository flatcar/Flatcar -WhatIf -WarningAction SilentlyContinue
        $plan.Action | Sort-Object -Unique | Should -Be 'WouldOpen'
        $plan.Title | Sort-Object -Unique | Should -Be 'update: app-editors/vim'
        $plan[0].Labels | Should -Contain 'security'
        $plan[0].Labels | Should -Contain 'advisory'
        (Get-CveRecord -StatePath $state -Id CVE-2026-1000).IssueNumber | Should -BeNullOrEmpty
    }
}

Describe 'The daily runbook' {
    BeforeAll {
        $state = Join-Path ([IO.Path]::GetTempPath()) ('secops-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        Initialize-SecurityState -Path $state -Confirm:$false | Out-Null
        $samples = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../examples/feeds'))
        $config = Join-Path $state 'securityops.yaml'
        $text = [IO.File]::ReadAllText($config).Replace("`r`n", "`n").Replace('  useDefaults: true', '  useDefaults: false').Replace('baselineNewSources: true', 'baselineNewSources: false').Replace("  issueRepository:`n", "  issueRepository: example/project`n")
        $text = $text.Replace('sources: []', "sources:`n  - name: gentoo`n    type: gentoo-glsa`n    url: $(Join-Path $samples 'gentoo/feed.rss')`n  - name: rust`n    type: rustsec`n    url: $(Join-Path $samples 'rustsec/feed.xml')")
        [IO.File]::WriteAllText($config, $text)
        Save-SecurityState -StatePath $state -Message 'initial state' -Confirm:$false | Out-Null
        $saved = $env:GITHUB_TOKEN, $env:GH_TOKEN, $env:GITHUB_STEP_SUMMARY
        $env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null; $env:GITHUB_STEP_SUMMARY = $null
    }

    AfterAll {
        $env:GITHUB_TOKEN, $env:GH_TOKEN, $env:GITHUB_STEP_SUMMARY = $saved
        Remove-Item $state -Recurse -Force -ErrorAction Ignore
    }

    It 'plans under -WhatIf and writes nothing' {
        $plan = Invoke-SecurityRunbook -StatePath $state -WhatIf
        $plan.NewCves.Count | Should -BeGreaterThan 0
        $plan.IssuesPlanned | Should -BeGreaterThan 0
        Get-CveRecord -StatePath $state | Should -BeNullOrEmpty
        (Get-SecurityState -StatePath $state).PendingChanges | Should -BeNullOrEmpty
    }

    It 'records and commits the new CVEs without a token, keeping their issues pending, and writes the summary' {
        $summary = Join-Path $state '../runbook-summary.md'
        $result = Invoke-SecurityRunbook -StatePath $state -SummaryPath $summary -Confirm:$false -WarningAction SilentlyContinue -WarningVariable warned
        $result.Succeeded | Should -BeTrue
        $result.NewCves | Should -Contain 'CVE-2025-48734'
        ($result.PendingFiling | Sort-Object) | Should -Be ($result.NewCves | Sort-Object)
        $result.StateCommit | Should -Not -BeNullOrEmpty
        "$warned" | Should -Match 'No GitHub token'
        [IO.File]::ReadAllText($summary) | Should -Match 'Daily security runbook'
        (Get-CveRecord -StatePath $state -Id CVE-2025-48734).Package | Should -Be 'dev-java/commons-beanutils'
    }

    It 'finds nothing new the next day and keeps the pending CVEs for a run with a token' {
        $again = Invoke-SecurityRunbook -StatePath $state -Confirm:$false -WarningAction SilentlyContinue
        $again.NewCves | Should -BeNullOrEmpty
        $again.PendingFiling | Should -Contain 'CVE-2025-48734'
    }
}
