<#
.SYNOPSIS
    Builds, stages and tests SecurityOps: a thin wrapper over dotnet that stops on the first failure.
.EXAMPLE
    ./build.ps1                 # build and stage out/SecurityOps, run the xunit suite and (when installed) Pester
.EXAMPLE
    ./build.ps1 -Task Build -Configuration Release
.EXAMPLE
    ./build.ps1 -Pack                # also writes out/SecurityOps.<version>.nupkg, the PowerShell Gallery package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'All')]
    [string] $Task = 'All',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    # Pack the gallery package (out/SecurityOps.<version>.nupkg) after building.
    [switch] $Pack
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'SecurityOps.sln'

function Invoke-Dotnet {
    param([Parameter(Mandatory)][string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

if ($Task -in 'Build', 'All') {
    # Building the solution stages the module in out/SecurityOps: manifest, format, MAML help, and the two builds,
    # net8.0/ (PowerShell 7, ReadyToRun) and netstandard2.0/ (Windows PowerShell 5.1), each with its Dependencies/.
    Invoke-Dotnet -Arguments @('build', $solution, '--configuration', $Configuration)
}

if ($Pack) {
    # The same as: dotnet build src/SecurityOps/SecurityOps.csproj -c Release -t:PackModule
    Invoke-Dotnet -Arguments @('build', (Join-Path $root 'src/SecurityOps/SecurityOps.csproj'), '--configuration', $Configuration, '-t:PackModule')
}

if ($Task -in 'Test', 'All') {
    # The solution's tests include tests/SecurityOps.PesterTests, which runs tests/Pester with the Pester 6 module
    # from NuGet inside the PowerShell SDK engine. The step below runs the same files again in this very shell
    # (your pwsh or Windows PowerShell and your Pester), where the module has to work for real.
    Invoke-Dotnet -Arguments @('test', $solution, '--configuration', $Configuration, '--no-build')

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        Import-Module $pester
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/Pester'
        $config.Run.Exit = $false
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        if ($result.FailedCount -gt 0) {
            throw "Pester: $($result.FailedCount) test(s) failed."
        }
    }
    else {
        Write-Warning 'Pester 5 is not installed; skipped tests/Pester (Install-Module Pester -MinimumVersion 5.0).'
    }
}
