#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# A private report's life, as a team drives it from a prompt: scoring, the case and its SLA clock, who is on duty,
# and what goes public at the end. The same pipelines as the xunit engine tests; run with Invoke-Pester ./tests/Pester.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/SecurityOps/SecurityOps.psd1') -Force

    # A state under KubeEdge's process (its 24 h acknowledgement is what these tests watch).
    function New-TestState([string] $Policy = 'kubeedge') {
        $path = Join-Path ([IO.Path]::GetTempPath()) ('secops-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        Initialize-SecurityState -Path $path -NoGit -Confirm:$false | Out-Null
        $config = Join-Path $path 'securityops.yaml'
        [IO.File]::WriteAllText($config, [IO.File]::ReadAllText($config).Replace("  policy:`n", "  policy: $Policy`n"))
        $path
    }

    # The module reads one clock; tests pin it so SLA and embargo dates do not depend on the day they run.
    function Use-Clock([string] $At) { [SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]$At) }

    function Remove-TestState([string] $Path) {
        [SecurityOps.ModuleContext]::UseSystemTime()
        Remove-Item $Path -Recurse -Force -ErrorAction Ignore
    }
}

AfterAll {
    [SecurityOps.ModuleContext]::UseSystemTime()
    Remove-Module SecurityOps -ErrorAction Ignore
}

Describe 'CVSS' {
    It 'scores 3.1 and 4.0 vectors from parameters and the pipeline' {
        $scores = Get-CvssScore -Vector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A'
        $scores.Score | Should -Be @(9.8, 8.7)
        $scores.Severity | Should -Be @('CRITICAL', 'HIGH')
        ([pscustomobject]@{ CvssVector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' } | Get-CvssScore).Score | Should -Be 7.5
    }

    It 'names a bad vector in a non-terminating error' {
        $good = 'CVSS:3.1/AV:Q', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' | Get-CvssScore -ErrorAction SilentlyContinue -ErrorVariable bad
        $good.Score | Should -Be 9.8
        $bad | Should -HaveCount 1
        $bad[0].TargetObject | Should -Be 'CVSS:3.1/AV:Q'
    }
}

Describe 'Vulnerability cases' {
    BeforeEach { $state = New-TestState }
    AfterEach { Remove-TestState $state }

    It 'numbers reports, moves them through the policy and keeps the timeline' {
        Use-Clock '2026-01-05T10:00:00Z'
        $case = New-VulnerabilityReport -StatePath $state -Summary 'Token leak in logs' -Component edgecore -Severity HIGH -Reporter 'eve@example.org' -Confirm:$false
        $case.Id | Should -Be 'SEC-2026-0001'
        Join-Path $state 'cases/SEC-2026-0001.yaml' | Should -Exist

        Use-Clock '2026-01-05T12:00:00Z'
        Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status acknowledged -Actor bob -Confirm:$false
        $fixing = Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 |
            Set-VulnerabilityReport -StatePath $state -Status triaged -FixTeam bob, carol -CveId CVE-2026-10001 -PassThru -Confirm:$false
        $fixing.Status | Should -Be 'triaged'
        $fixing.FixTeam | Should -Be @('bob', 'carol')
        $fixing.Timeline.Kind | Should -Contain 'cve'

        $milestones = Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 | Get-DisclosureTimeline -StatePath $state
        ($milestones | Where-Object Milestone -EQ 'acknowledge').State | Should -Be 'Met'
    }

    It 'refuses a step the policy does not allow, with the case as target' {
        Use-Clock '2026-01-05T10:00:00Z'
        $before = (New-VulnerabilityReport -StatePath $state -Summary s -Component c -Confirm:$false).Status
        Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused | Should -HaveCount 1
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001).Status | Should -Be $before
        $refused[0].TargetObject | Should -Not -BeNullOrEmpty
    }

    It 'flags a missed acknowledgement on the SLA clock' {
        Use-Clock '2026-01-05T10:00:00Z'
        New-VulnerabilityReport -StatePath $state -Summary s -Component c -Confirm:$false | Out-Null
        Use-Clock '2026-01-07T10:00:00Z'
        $late = Test-DisclosureSla -StatePath $state | Where-Object Milestone -EQ 'acknowledge'
        $late.State | Should -Be 'Overdue'
        (Get-VulnerabilityReport -StatePath $state -Overdue).Id | Should -Be 'SEC-2026-0001'
    }
}

Describe 'On duty' {
    BeforeAll { $state = New-TestState }
    AfterAll { Remove-TestState $state }

    It 'says who is Primary and Secondary this week and when each person is next on duty' {
        Use-Clock '2026-01-14T10:00:00Z'
        $now = Get-Rotation -StatePath $state
        $now.IsCurrent | Should -BeTrue
        $now.Primary | Should -Not -BeNullOrEmpty
        $now.Secondary | Should -Not -Be $now.Primary
        $weeks = Get-Rotation -StatePath $state -Weeks 4
        $weeks | Should -HaveCount 4
        ($weeks.WeekStart | Sort-Object -Unique) | Should -HaveCount 4
    }
}

Describe 'Going public' {
    BeforeEach {
        $state = New-TestState
        Use-Clock '2026-01-05T10:00:00Z'
        New-VulnerabilityReport -StatePath $state -Summary 'Token leak in cloudcore logs' -Component cloudcore -Severity MEDIUM -Confirm:$false | Out-Null
        New-VulnerabilityReport -StatePath $state -Summary 'Secret bypass in edgemesh' -Component edgemesh -Severity HIGH -Confirm:$false | Out-Null
        Use-Clock '2026-01-06T10:00:00Z'
        foreach ($id in 'SEC-2026-0001', 'SEC-2026-0002') {
            Set-VulnerabilityReport -StatePath $state -Id $id -Status acknowledged -Confirm:$false
            Set-VulnerabilityReport -StatePath $state -Id $id -Status triaged -FixTeam bob -Confirm:$false
            Set-VulnerabilityReport -StatePath $state -Id $id -Status fixing -FixedIn v0.8.1 -Confirm:$false
        }
        Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -CveId CVE-2026-1001 -PlannedPublicDate '2026-01-20T16:00:00Z' -Confirm:$false
        # An embargo far away (a Sunday, past the policy's deadline): -Force records it as a policy exception.
        Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0002 -CveId CVE-2026-2002 -PlannedPublicDate '2026-03-01T16:00:00Z' -Force -Confirm:$false
    }

    AfterEach { Remove-TestState $state }

    It 'writes release notes without the case still under embargo, and says so' {
        Use-Clock '2026-01-21T09:00:00Z'
        $note = New-SecurityReleaseNote -StatePath $state -Release v0.8.1 -Format All -WarningVariable warned -WarningAction SilentlyContinue
        $note.CveIds | Should -Be 'CVE-2026-1001'
        $note.Markdown | Should -Match ([regex]::Escape('- cloudcore ([CVE-2026-1001](https://www.cve.org/CVERecord?id=CVE-2026-1001))'))
        $note.Markdown | Should -Not -Match 'CVE-2026-2002|edgemesh'
        $warned | Should -HaveCount 1
    }

    It 'exports OSV only for what is public, and reads it back as a feed' {
        Use-Clock '2026-01-21T09:00:00Z'
        # A case without a GHSA id is exported under the project's own registered OSV prefix.
        $config = Join-Path $state 'securityops.yaml'
        [IO.File]::WriteAllText($config, [IO.File]::ReadAllText($config).Replace("  idPrefix:`n", "  idPrefix: KUBE`n"))
        $out = Join-Path $state 'osv-out'
        $files = Export-OsvAdvisory -StatePath $state -Path $out -WarningAction SilentlyContinue -Confirm:$false
        $files | Should -HaveCount 1
        $files[0].Valid | Should -BeTrue
        $items = Get-SecurityFeed -Uri $out -Type osv
        $items.CveIds | Should -Be 'CVE-2026-1001'

        Export-OsvAdvisory -StatePath $state -Path $out -Id SEC-2026-0002 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'EmbargoActive,*'
    }
}

Describe 'GitHub security advisories, offline' {
    BeforeAll {
        $state = New-TestState
        Use-Clock '2026-01-05T10:00:00Z'
        New-VulnerabilityReport -StatePath $state -Summary 'SSRF through redirects' -Component fetch -Severity HIGH -Confirm:$false | Out-Null
        $saved = $env:GITHUB_TOKEN, $env:GH_TOKEN
        $env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null
    }

    AfterAll {
        $env:GITHUB_TOKEN, $env:GH_TOKEN = $saved
        Remove-TestState $state
    }

    It 'shows the draft it would create under -WhatIf and leaves the case as it was' {
        $before = [IO.File]::ReadAllText((Join-Path $state 'cases/SEC-2026-0001.yaml'))
        New-SecurityAdvisory -StatePath $state -Id SEC-2026-0001 -Repository example/fetch -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        [IO.File]::ReadAllText((Join-Path $state 'cases/SEC-2026-0001.yaml')) | Should -Be $before
        (Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001).GhsaId | Should -BeNullOrEmpty
    }

    It 'needs a token to change anything on GitHub' {

    }
}
