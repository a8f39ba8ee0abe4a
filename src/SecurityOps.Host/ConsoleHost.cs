using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Linq;
using System.Security;

namespace SecurityOps.Host
{
    /// <summary>
    /// A minimal, non-interactive PSHost: output on stdout, every other stream on stderr, and prompts refused with
    /// a clear error (there is no one to answer them; automation passes -Confirm:$false).
    /// </summary>
    public sealed class ConsoleHost : PSHost
    {
        private readonly Guid id = Guid.NewGuid();

        public ConsoleHost(TextWriter output, TextWriter errors) => UI = new ConsoleHostUI(output, errors);

        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

        public override Guid InstanceId => id;

        public override string Name => "secops-host";

        public override PSHostUserInterface UI { get; }

        public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version;

        /// <summary>The code a script asked for with $host.SetShouldExit (or exit in a nested prompt).</summary>
        public int? ExitCode { get; private set; }

        public override void EnterNestedPrompt() => throw new NotSupportedException("secops-host has no nested prompt.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("secops-host has no nested prompt.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    }

    public sealed class ConsoleHostUI : PSHostUserInterface
    {
        private static readonly System.Text.RegularExpressions.Regex AnsiEscape = new System.Text.RegularExpressions.Regex(@"\x1b\[[0-9;?]*[A-Za-z]");
        private readonly TextWriter output;
        private readonly TextWriter errors;
        private readonly Dictionary<long, string> lastProgress = new Dictionary<long, string>();

        public ConsoleHostUI(TextWriter output, TextWriter errors)
        {
            this.output = output;
            this.errors = errors;
            RawUI = new ConsoleRawUI();
        }

        public override PSHostRawUserInterface RawUI { get; }

        /// <summary>True once anything reached the error stream through the host.</summary>
        public bool WroteError { get; private set; }

        public override void Write(string value) => output.Write(Plain(value));

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => output.Write(Plain(value));

        public override void WriteLine(string value) => output.WriteLine(Plain(value));

        /// <summary>The formatter styles table headers with ANSI escapes; output here is plain text for logs and pipes.</summary>
        private static string Plain(string value) => value == null ? null : AnsiEscape.Replace(value, string.Empty);

        public override void WriteErrorLine(string value)
        {
            WroteError = true;
            errors.WriteLine(value);
        }

        public override void WriteWarningLine(string message) => errors.WriteLine("WARNING: " + message);

        public override void WriteVerboseLine(string message) => errors.WriteLine("VERBOSE: " + message);

        public override void WriteDebugLine(string message) => errors.WriteLine("DEBUG: " + message);

        public override void WriteInformation(InformationRecord record)
        {
            // Write-Host reaches the host twice: as this record (tag PSHOST) and through Write/WriteLine, which print it.
            // Only the record is skipped here, so each line appears once; Write-Information is for the information
            // stream (6>), not the console, as in pwsh.
        }

        /// <summary>One stderr line per change of an activity's status; a finished activity prints nothing more.</summary>
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            long key = (sourceId << 16) ^ record.ActivityId;
            if (record.RecordType == ProgressRecordType.Completed)
            {
                lastProgress.Remove(key);
                return;
            }

            string line = $"PROGRESS: {record.Activity}: {record.StatusDescription}" +
                          (record.PercentComplete >= 0 ? $" ({record.PercentComplete}%)" : string.Empty) +
                          (string.IsNullOrEmpty(record.CurrentOperation) ? string.Empty : " - " + record.CurrentOperation);
            if (!lastProgress.TryGetValue(key, out string last) || last != line)
            {
                lastProgress[key] = line;
                errors.WriteLine(line);
            }
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw NoInput(caption, message, "a value for " + string.Join(", ", System.Linq.Enumerable.Select(descriptions, d => d.Name)));

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw NoInput(caption, message, "a choice; pass -Confirm:$false to run without confirmation, or -WhatIf to preview");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw NoInput(caption, message, "a credential");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw NoInput(caption, message, "a credential");

        public override string ReadLine() => throw NoInput(null, null, "a line of input");

        public override SecureString ReadLineAsSecureString() => throw NoInput(null, null, "a secret");

        private static PromptingException NoInput(string caption, string message, string what)
        {
            string question = string.Join(": ", new[] { caption, message }.Where(s => !string.IsNullOrWhiteSpace(s)));
            return new PromptingException(
                $"secops-host runs without interactive input and cannot answer {what}" +
                (question.Length > 0 ? $" (asked: {question})" : string.Empty) + ".");
        }
    }

    /// <summary>Sizes for the formatter; nothing here draws on a real console.</summary>
    public sealed class ConsoleRawUI : PSHostRawUserInterface
    {
        private readonly int width = DetectWidth();

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override Size BufferSize { get => new Size(width, 9999); set { } }

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; }

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new Size(width, 100);

        public override Size MaxWindowSize => new Size(width, 100);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get => new Size(width, 50); set { } }

        public override string WindowTitle { get; set; } = "secops-host";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new PromptingException("secops-host runs without interactive input and cannot read a key.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
        {
        }

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
        {
        }

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
        {
        }

        private static int DetectWidth()
        {
            if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 20)
            {
                return columns;
            }

            try
            {
                if (!Console.IsOutputRedirected && Console.WindowWidth > 20)
                {
                    return Console.WindowWidth;
                }
            }
            catch (IOException)
            {
            }

            return 160;
        }
    }
}
