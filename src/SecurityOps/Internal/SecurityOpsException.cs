using System;

namespace SecurityOps
{
    /// <summary>What kind of failure an exception is; Commands maps it to PowerShell's ErrorCategory.</summary>
    public enum FailureKind
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        ResourceExists,
        ResourceUnavailable,
        ConnectionError,
        AuthenticationError,
        PermissionDenied,
        InvalidOperation,
        OperationTimeout,
        LimitsExceeded,
        SecurityError,
        ParserError,
        WriteError,
    }

    /// <summary>
    /// The one exception type every part throws. It carries what a cmdlet needs for its ErrorRecord: a stable
    /// PascalCase error id, a category and the offending value (a file, an id, a URL). Messages never hold secrets.
    /// </summary>
    public class SecurityOpsException : Exception
    {
        public SecurityOpsException(string errorId, FailureKind kind, object target, string message, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }

        public FailureKind Kind { get; }

        public object Target { get; }
    }

    /// <summary>A state file that cannot be read as YAML, with the file, line and column that broke.</summary>
    public sealed class StateFileException : SecurityOpsException
    {
        public StateFileException(string errorId, string file, long line, long column, string message, Exception inner = null)
            : base(errorId, FailureKind.ParserError, file,
                   line > 0 ? $"{file}:{line}:{column}: {message}" : $"{file}: {message}", inner)
        {
            File = file;
            Line = line;
            Column = column;
        }

        public string File { get; }

        public long Line { get; }

        public long Column { get; }
    }
}
