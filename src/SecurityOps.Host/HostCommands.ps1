# Stand-ins for the Microsoft.PowerShell.Utility cmdlets that an embedded engine (System.Management.Automation alone)
# does not have. secops-host defines each one only when the real cmdlet is missing, so scripts written for pwsh run
# unchanged. They write to the same streams as the real cmdlets.

function Write-Output {
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline = $true, ValueFromRemainingArguments = $true)][AllowNull()][AllowEmptyCollection()][object[]] $InputObject,
          [switch] $NoEnumerate)
    process { foreach ($item in $InputObject) { $PSCmdlet.WriteObject($item, -not $NoEnumerate) } }
}

function Write-Host {
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline = $true, ValueFromRemainingArguments = $true)][object] $Object,
          [switch] $NoNewline, [object] $Separator = ' ', [object] $ForegroundColor, [object] $BackgroundColor)
    process {
        $text = if ($Object -is [System.Collections.IEnumerable] -and $Object -isnot [string]) { ($Object | ForEach-Object { "$_" }) -join "$Separator" } else { "$Object" }
        if ($NoNewline) { $Host.UI.Write($text) } else { $Host.UI.WriteLine($text) }
    }
}

function Write-Information {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0)][AllowNull()][object] $MessageData, [Parameter(Position = 1)][string[]] $Tags)
    process { $PSCmdlet.WriteInformation($MessageData, $Tags) }
}

function Write-Warning {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string] $Message)
    process { $PSCmdlet.WriteWarning($Message) }
}

function Write-Verbose {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string] $Message)
    process { $PSCmdlet.WriteVerbose($Message) }
}

function Write-Debug {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string] $Message)
    process { $PSCmdlet.WriteDebug($Message) }
}

function Write-Error {
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline = $true)][string] $Message,
          [System.Management.Automation.ErrorRecord] $ErrorRecord,
          [string] $ErrorId = 'Microsoft.PowerShell.Commands.WriteErrorException',
          [System.Management.Automation.ErrorCategory] $Category = 'NotSpecified',
          [object] $TargetObject)
    process {
        if (-not $ErrorRecord) {
            $exception = [System.Exception]::new($Message)
            $ErrorRecord = [System.Management.Automation.ErrorRecord]::new($exception, $ErrorId, $Category, $TargetObject)
        }

        $PSCmdlet.WriteError($ErrorRecord)
    }
}

function Write-Progress {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string] $Activity = 'Working', [Parameter(Position = 1)][string] $Status = 'Processing',
          [int] $Id = 0, [int] $PercentComplete = -1, [int] $SecondsRemaining = -1, [string] $CurrentOperation, [int] $ParentId = -1,
          [switch] $Completed)
    process {
        $record = [System.Management.Automation.ProgressRecord]::new($Id, $Activity, $Status)
        $record.PercentComplete = $PercentComplete
        $record.SecondsRemaining = $SecondsRemaining
        $record.ParentActivityId = $ParentId
        if ($CurrentOperation) { $record.CurrentOperation = $CurrentOperation }
        if ($Completed) { $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed }
        $PSCmdlet.WriteProgress($record)
    }
}
