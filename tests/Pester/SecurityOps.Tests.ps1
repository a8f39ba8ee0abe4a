#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The same pipelines as the xunit engine tests, for people who have pwsh and Pester 5:
#   Invoke-Pester ./tests/Pester     (after dotnet build, which stages out/SecurityOps)

BeforeAll {
    $manifest = Join-Path $PSScriptRoot '../../out/SecurityOps/SecurityOps.psd1'
    Import-Module $manifest -Force
}

AfterAll {
    Remove-Module SecurityOps -ErrorAction Ignore
}

Describe 'Module' {
    It 'exports exactly the cmdlets the manifest lists' {
        # Test-ModuleManifest, not Import-PowerShellDataFile: RootModule depends on $PSEdition, which a data file may not use.
        $data = Test-ModuleManifest $manifest
        (Get-Command -Module SecurityOps).Name | Sort-Object | Should -Be ($data.ExportedCmdlets.Keys | Sort-Object)
    }

    It 'has help with examples for every cmdlet' {
        foreach ($command in Get-Command -Module SecurityOps) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }
    }
}

Describe 'State' {
    BeforeEach {
        $state = Join-Path ([IO.Path]::GetTempPath()) ('secops-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    }

    AfterEach {
        if (Test-Path $state) { Remove-Item $state -Recurse -Force }
    }

    It 'initializes a state repository with config, roster and git' {
        $info = Initialize-SecurityState -Path $state -Confirm:$false
        $info.StatePath | Should -Be (Resolve-Path $state).Path
        $info.IsGitRepository | Should -BeTrue
        Join-Path $state 'securityops.yaml' | Should -Exist
        Join-Path $state 'roster.yaml' | Should -Exist
    }

    It 'finds the state from SECURITYOPS_STATE' {
        Initialize-SecurityState -Path $state -Confirm:$false | Out-Null
        $env:SECURITYOPS_STATE = $state
        try {
            (Get-SecurityState).StatePath | Should -Be (Resolve-Path $state).Path
        }
        finally {
            Remove-Item Env:SECURITYOPS_STATE
        }
    }

    It 'commits changes and treats nothing to commit as success' {
        Initialize-SecurityState -Path $state -Confirm:$false | Out-Null
        Add-CveRecord -StatePath $state -CveId CVE-2026-1111 -Source manual -Confirm:$false | Out-Null
        $commit = Save-SecurityState -StatePath $state -Confirm:$false
        $commit.Files | Should -Contain 'cves/2026/CVE-2026-1111.yaml'
        Save-SecurityState -StatePath $state -Confirm:$false | Should -BeNullOrEmpty
    }

    It 'commits nothing under -WhatIf' {
        Initialize-SecurityState -Path $state -Confirm:$false | Out-Null
        Save-SecurityState -StatePath $state -WhatIf | Should -BeNullOrEmpty
        (Get-SecurityState -StatePath $state).PendingChanges | Should -Not -BeNullOrEmpty
    }
}

Describe 'CVE records' {
    BeforeEach {
        $state = Join-Path ([IO.Path]::GetTempPath()) ('secops-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        Initialize-SecurityState -Path $state -NoGit -Confirm:$false | Out-Null
    }

    AfterEach {
        Remove-Item $state -Recurse -Force -ErrorAction Ignore
    }

    It 'creates and merges records from the pipeline, flagging the new ones' {
        $items = @(
            [pscustomobject]@{ CveIds = 'CVE-2026-1001', 'CVE-2026-1002'; Packages = 'curl'; Source = 'oss-security' }
            [pscustomobject]@{ CveId = 'CVE-2026-1001'; Package = 'libcurl@Debian'; Source = 'debian' }
        )
        $records = $items | Add-CveRecord -StatePath $state -Confirm:$false
        $records.Count | Should -Be 3
        ($records | Where-Object IsNew).CveId | Should -Be @('CVE-2026-1001', 'CVE-2026-1002')
        $merged = Get-CveRecord -StatePath $state -Id CVE-2026-1001
        $merged.SourceNames | Should -Be @('oss-security', 'debian')
        $merged.Packages.Name | Should -Contain 'libcurl'
    }

    It 'reports a bad id as a non-terminating InvalidCveId error and goes on' {
        $out = 'CVE-2026-2000', 'CVE-26-1' | ForEach-Object { [pscustomobject]@{ CveId = $_ } } |
            Add-CveRecord -StatePath $state -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $out.CveId | Should -Be 'CVE-2026-2000'
        $errs.FullyQualifiedErrorId | Should -Be 'InvalidCveId,SecurityOps.Commands.AddCveRecordCommand'
        $errs.TargetObject | Should -Be 'CVE-26-1'
    }

    It 'queries by wildcard id, package and status' {
        'CVE-2025-0001', 'CVE-2026-0001', 'CVE-2026-0002' | ForEach-Object {
            [pscustomobject]@{ CveId = $_; Package = if ($_ -like '*0002') { 'openssl' } else { 'curl' } }
        } | Add-CveRecord -StatePath $state -Confirm:$false | Out-Null
        (Get-CveRecord -StatePath $state -Id 'CVE-2026-*').CveId | Should -Be @('CVE-2026-0001', 'CVE-2026-0002')
        (Get-CveRecord -StatePath $state -Package 'open*').CveId | Should -Be 'CVE-2026-0002'
        Get-CveRecord -StatePath $state -Status fixed | Should -BeNullOrEmpty
    }

    It 'sets status and notes through the pipeline, then removes' {
        Add-CveRecord -StatePath $state -CveId CVE-2026-3000 -Package curl -Confirm:$false | Out-Null
        $updated = Get-CveRecord -StatePath $state -Package curl |
            Set-CveRecord -StatePath $state -Status fixed -FixedIn 1.2.3 -AddNote 'shipped' -PassThru -Confirm:$false
        $updated.Status | Should -Be 'fixed'
        $updated.FixedIn | Should -Be '1.2.3'
        Get-CveRecord -StatePath $state -Status fixed | Remove-CveRecord -StatePath $state -Confirm:$false
        Get-CveRecord -StatePath $state -Id CVE-2026-3000 -ErrorAction SilentlyContinue -ErrorVariable missing | Should -BeNullOrEmpty
        $missing.FullyQualifiedErrorId | Should -Be 'CveRecordNotFound,SecurityOps.Commands.GetCveRecordCommand'
    }

    It 'changes nothing under -WhatIf' {
        Add-CveRecord -StatePath $state -CveId CVE-2026-4000 -WhatIf | Should -BeNullOrEmpty
        Join-Path $state 'cves/2026/CVE-2026-4000.yaml' | Should -Not -Exist
    }
}
