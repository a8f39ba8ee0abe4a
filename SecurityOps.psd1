@{
    RootModule           = 'SecurityOps.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '5b0c7d3e-2f7a-4d0e-9a43-6f1e8c2b9d17'
    Author               = 'SecurityOps contributors'
    CompanyName          = 'SecurityOps'
    Copyright            = '(c) SecurityOps contributors. MIT licence.'
    Description          = 'Runs an open-source project''s security response from PowerShell: the daily watch of upstream trackers, a CVE database and GitHub issues, the on-duty rotation, private reports under a disclosure policy with SLA clocks, embargoed notices, advisories and release notes. All state is YAML in a git repository.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('SecurityOps.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-CaseNote'
        'Add-CveRecord'
        'Approve-MembershipRequest'
        'Complete-SecurityRetrospective'
        'ConvertFrom-CvssVector'
        'Deny-MembershipRequest'
        'Export-OsvAdvisory'
        'Export-SecurityCalendar'
        'Get-BackportTarget'
        'Get-CveRecord'
        'Get-CvssScore'
        'Get-DisclosurePolicy'
        'Get-DisclosureTimeline'
        'Get-DistributorMember'
        'Get-ReleaseWindow'
        'Get-Rotation'
        'Get-SecurityFeed'
        'Get-SecurityMeeting'
        'Get-SecuritySource'
        'Get-SecurityState'
        'Get-VulnerabilityReport'
        'Initialize-SecurityState'
        'Invoke-SecurityRunbook'
        'New-CveIssue'
        'New-MembershipRequest'
        'New-SecurityReleaseNote'
        'New-SecurityRetrospective'
        'New-VulnerabilityReport'
        'Register-EmbargoLeak'
        'Remove-CveRecord'
        'Remove-DistributorMember'
        'Remove-RotationOverride'
        'Save-SecurityState'
        'Send-DistributorTestMessage'
        'Send-EmbargoNotice'
        'Send-SecurityAnnouncement'
        'Send-TeamReminder'
        'Set-CveRecord'
        'Set-RotationOverride'
        'Set-VulnerabilityReport'
        'Test-DisclosurePolicy'
        'Test-DisclosureSla'
        'Test-DistributorList'
        'Test-MembershipRequest'
        'Update-DistributorKey'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Security', 'CVE', 'Vulnerability', 'Disclosure', 'Embargo', 'GitHub', 'OSV', 'CVSS', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/securityops/SecurityOps'
            LicenseUri   = 'https://github.com/securityops/SecurityOps/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
